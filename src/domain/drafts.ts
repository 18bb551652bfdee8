/** The invitation email draft, in the invitation's language, from the translator's templates. */
import { daysText, fill, formatExpiry, texts } from '../i18n';
import { addDays, durationDays } from './grant';
import type { DelegatedAccess, Locale } from './model';
import { roleName } from './roles';
import { escapeHtml } from './text';

export interface DraftInput {
  locale: Locale;
  to: string;
  resellerName: string;
  providerName?: string | undefined;
  companyName: string;
  url: string;
  expiresAt: string;
  /** The delegated admin roles asked for, their duration and auto-extension. */
  access: DelegatedAccess;
  /** The customer's own page, where it can remove the roles at any time. */
  customerUrl: string;
}

export interface Draft {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export function buildDraft(d: DraftInput): Draft {
  const t = texts[d.locale].email;
  const both = d.providerName !== undefined;
  const values = {
    reseller: d.resellerName,
    provider: d.providerName ?? '',
    company: d.companyName,
    url: d.url,
    expiry: formatExpiry(d.expiresAt, d.locale),
    ...accessValues(d.access, d.expiresAt, d.locale),
    customerUrl: d.customerUrl,
  };
  const roles = d.access.roles.map((r) => roleName(r, d.locale));
  const paragraphs = [t.greeting, both ? t.introWithProvider : t.intro, both ? t.grantsWithProvider : t.grants];
  const terms = [t.duration, ...(d.access.autoExtend ? [t.autoExtend] : []), t.removeAnyTime, t.action];
  const after = [t.expiry, t.ignore, t.signature];

  const text = [
    ...paragraphs.map((p) => fill(p, values)),
    roles.map((r) => `- ${r}`).join('\n'),
    ...terms.map((p) => fill(p, values)),
    d.url,
    ...after.map((p) => fill(p, values)),
  ].join('\n\n');
  const p = (s: string) => `<p>${fill(s, values, escapeHtml).replaceAll('\n', '<br>')}</p>`;
  const href = escapeHtml(d.url);
  const customerLink = `<a href="${escapeHtml(d.customerUrl)}">${escapeHtml(d.customerUrl)}</a>`;
  const html = [
    '<!doctype html>',
    `<html lang="${d.locale}"><head><meta charset="utf-8"><title>${escapeHtml(fill(both ? t.subjectWithProvider : t.subject, values))}</title></head>`,
    '<body style="font-family:Segoe UI,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1b1b1b">',
    ...paragraphs.map(p),
    `<ul>${roles.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`,
    // The customer's page is a link too (the invitation link stays the only call to action).
    ...terms.map((s) => (s === t.removeAnyTime ? p(s).replace(escapeHtml(d.customerUrl), customerLink) : p(s))),
    `<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:#0f6cbd;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(t.button)}</a></p>`,
    `<p style="word-break:break-all"><a href="${href}">${href}</a></p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
  // A subject is one line: user values cannot inject headers (the schemas refuse CR/LF too).
  const subject = fill(both ? t.subjectWithProvider : t.subject, values).replace(/[\r\n]+/g, ' ');
  return { to: d.to, subject, text, html };
}

/**
 * The duration of roles, in words, and when they end if they begin at `from`: for a draft, the
 * link's expiry (the latest end); for a page, now (the end if accepted now).
 */
export function accessValues(access: DelegatedAccess, from: string, locale: Locale): { days: string; endsAt: string } {
  const days = durationDays(access.duration) ?? 0;
  return { days: daysText(locale, days), endsAt: formatExpiry(addDays(new Date(from), days).toISOString(), locale) };
}
