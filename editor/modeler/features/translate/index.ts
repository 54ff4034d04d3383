/**
 * bpmn-js translation module: Dutch when the page is in Dutch, English otherwise. Every
 * part of the modeler (palette, context pad, menus, properties panel, lint button)
 * translates its texts through the `translate` service this module replaces.
 */
import { currentLang } from '../../../shared/i18n.js';
import { NL } from './nl.js';

/** Texts whose numbers need singular and plural forms. */
const COUNTED: Record<string, (replacements: Record<string, string>) => string> = {
  '{errors} Errors, {warnings} Warnings': ({ errors, warnings }) =>
    currentLang() === 'nl'
      ? `${errors} ${errors === '1' ? 'fout' : 'fouten'}, ${warnings} ${warnings === '1' ? 'waarschuwing' : 'waarschuwingen'}`
      : `${errors} ${errors === '1' ? 'error' : 'errors'}, ${warnings} ${warnings === '1' ? 'warning' : 'warnings'}`,
};

/** 'User Task' -> 'User task': the properties panel's header spells types in Title Case. */
function sentenceCase(text: string): string {
  return text.charAt(0) + text.slice(1).toLowerCase().replace(/non interrupting/, 'non-interrupting');
}

export function translate(template: string, replacements: Record<string, string> = {}): string {
  const counted = COUNTED[template];
  if (counted) return counted(replacements);
  const text = currentLang() === 'nl' ? (NL[template] ?? NL[sentenceCase(template)] ?? template) : template;
  return text.replace(/{([^}]+)}/g, (match, key: string) => (key in replacements ? replacements[key] : match));
}

export default {
  translate: ['value', translate],
};
