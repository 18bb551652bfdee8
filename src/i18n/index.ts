import type { Locale } from '../domain/model';
import { en, type Texts } from './en';
import { es } from './es';
import { counted } from './plural';

export const texts: Record<Locale, Texts> = { en, es };

export type Values = Record<string, string>;

/** Fills {placeholders}; `escape` is applied to every value (HTML) or not (text). */
export function fill(template: string, values: Values, escape: (v: string) => string = (v) => v): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? escape(values[k]!) : m));
}

/** "1 day", "30 días": a number of days in the locale's words. */
export const daysText = (locale: Locale, n: number): string => counted(locale, n, texts[locale].days);

export function formatExpiry(iso: string, locale: Locale): string {
  const f = new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  return `${f.format(new Date(iso))} UTC`;
}

/** The best supported locale of an Accept-Language header, else English. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (r.lang === 'es' || r.lang === 'en') return r.lang;
  return 'en';
}
