/** The portal's languages: the catalogues, the default from the browser, and formatting. */
import { en, type Catalogue } from './en';
import { es } from './es';

export type Lang = 'en' | 'es';
export const catalogues: Record<Lang, Catalogue> = { en, es };

/**
 * The partner's saved choice if it made one, else the first of the browser's languages
 * (navigator.languages, what it sends as Accept-Language) that the portal has, else English.
 */
export function pickLang(languages: readonly string[], saved: string | null | undefined): Lang {
  if (saved === 'en' || saved === 'es') return saved;
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'es' || primary === 'en') return primary;
  }
  return 'en';
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

/** `counted('es', 1, t.counts.days)` → '1 día': a `one|other` form by the language's plural rules. */
export { counted } from '../../../src/i18n/plural';
