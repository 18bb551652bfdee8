/** The portal's languages: the catalogues, the default from the browser, and formatting. */
import { en, type Catalogue } from './en';
import { es } from './es';

export type Lang = 'en' | 'es';
export const catalogues: Record<Lang, Catalogue> = { en, es };

const STORAGE_KEY = 'portal.lang';

/** The partner's choice if it made one, else the first of the browser's languages (Accept-Language) the portal has. */
export function initialLang(languages: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'es') return saved;
  } catch {
    // Storage may be off (private mode): the browser's languages decide.
  }
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'es' || primary === 'en') return primary;
  }
  return 'en';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; the switch still works for this page.
  }
}

/** `fill('Page {n}', { n: 2 })` → 'Page 2'. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

const formats = new Map<string, Intl.DateTimeFormat>();
export function formatDate(lang: Lang, iso: string | undefined, withTime = true): string {
  if (!iso) return '';
  const key = `${lang}:${withTime}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'long' });
    formats.set(key, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : f.format(d);
}
