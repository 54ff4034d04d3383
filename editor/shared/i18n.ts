/**
 * Two languages, Dutch first. The choice lives in localStorage (`samenspel.lang`), the
 * page's `<html lang>` follows it. Each page declares its texts once for both languages
 * with `messages({ nl: {...}, en: {...} })`; TypeScript checks that both have every key.
 */
export type Lang = 'nl' | 'en';
export const LANGS: readonly Lang[] = ['nl', 'en'];
const STORAGE_KEY = 'samenspel.lang';

export function currentLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'nl' || stored === 'en') return stored;
  } catch {
    // storage blocked: Dutch
  }
  return 'nl';
}

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  document.documentElement.lang = lang;
}

export type Vars = Record<string, string | number>;
export type Translate<K extends string> = (key: K, vars?: Vars) => string;

/** Fills `{name}` placeholders. */
export function fill(template: string, vars: Vars = {}): string {
  return template.replace(/\{([^}]+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

export function messages<K extends string>(dictionaries: { nl: Record<K, string>; en: Record<K, string> }): Translate<K> {
  return (key, vars) => {
    const template = dictionaries[currentLang()][key] ?? dictionaries.en[key] ?? key;
    return fill(template, vars);
  };
}

/** Dates and times as people in the chosen language read them. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLang() === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(currentLang() === 'nl' ? 'nl-NL' : 'en-GB', { timeStyle: 'short' }).format(date);
}
