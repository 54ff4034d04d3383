/**
 * form-js 1.23 validates in English only. This puts its messages into the page's
 * language (Dutch) by wrapping the viewer's validator; unknown messages stay as they are.
 */
import { currentLang } from './i18n.js';

const DUTCH: [RegExp, (...groups: string[]) => string][] = [
  [/^Field is required\.$/, () => 'Dit veld is verplicht.'],
  [/^Field must have minimum length of (\d+)\.$/, (n) => `Vul minstens ${n} tekens in.`],
  [/^Field must have maximum length of (\d+)\.$/, (n) => `Vul hoogstens ${n} tekens in.`],
  [/^Field must have minimum value of (.+)\.$/, (n) => `De waarde moet minstens ${n} zijn.`],
  [/^Field must have maximum value of (.+)\.$/, (n) => `De waarde mag hoogstens ${n} zijn.`],
  [/^Field must match pattern (.+)\.$/, (p) => `De invoer heeft niet de juiste vorm (${p}).`],
  [/^Field must be a valid email\.$/, () => 'Vul een geldig e-mailadres in.'],
  [/^Value is not a number\.$/, () => 'Vul een getal in.'],
];

export function translateFormError(message: string): string {
  if (currentLang() !== 'nl') return message;
  for (const [pattern, text] of DUTCH) {
    const match = pattern.exec(message);
    if (match) return text(...match.slice(1));
  }
  return message;
}

/** Wraps the validator of a form-js Form so its messages come in the page's language. */
export function localiseValidation(form: { get(name: string): unknown }): void {
  const validator = form.get('validator') as { validateFieldInstance: (...args: unknown[]) => string[] };
  const original = validator.validateFieldInstance.bind(validator);
  validator.validateFieldInstance = (...args: unknown[]) => original(...args).map(translateFormError);
}
