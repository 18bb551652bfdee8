/** An access request's email draft, in the request's language (what changes, for how long, its link); an invitation's reminder. */
import type { ChangeRequest } from './changeRequest';
import type { Locale } from './model';
import { roleName } from './roles';
import { fill, formatExpiry } from '../i18n';
import { requestTexts } from '../i18n/requests';
import { accessValues, type Draft } from './drafts';
import { escapeHtml } from './text';

export function buildRequestDraft(r: ChangeRequest, url: string, customerUrl: string): Draft {
  const t = requestTexts[r.locale].email;
  const values = {
    partner: r.partnerName,
    company: r.companyName,
    url,
    expiry: formatExpiry(r.expiresAt, r.locale),
    ...accessValues(r.requested, r.createdAt, r.locale),
    customerUrl,
  };
  const lists = (
    [
      [t.added, r.added],
      [t.removed, r.removed],
      [t.kept, r.kept],
    ] as const
  ).filter(([, roles]) => roles.length > 0);
  const names = (roles: readonly string[]) => roles.map((id) => roleName(id, r.locale));
  const terms = [t.duration, ...(r.requested.autoExtend ? [t.autoExtend] : []), t.choose, t.action];
  const after = [t.expiry, t.removeAnyTime, t.signature];

  const text = [
    fill(t.greeting, values),
    fill(t.intro, values),
    ...lists.map(
      ([label, roles]) =>
        `${label}\n${names(roles)
          .map((n) => `- ${n}`)
          .join('\n')}`,
    ),
    ...terms.map((p) => fill(p, values)),
    url,
    ...after.map((p) => fill(p, values)),
  ].join('\n\n');
  const p = (s: string) => `<p>${fill(s, values, escapeHtml).replaceAll('\n', '<br>')}</p>`;
  const href = escapeHtml(url);
  const html = [
    '<!doctype html>',
    `<html lang="${r.locale}"><head><meta charset="utf-8"><title>${escapeHtml(fill(t.subject, values))}</title></head>`,
    '<body style="font-family:Segoe UI,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1b1b1b">',
    p(t.greeting),
    p(t.intro),
    ...lists.map(
      ([label, roles]) =>
        `${p(label)}<ul>${names(roles)
          .map((n) => `<li>${escapeHtml(n)}</li>`)
          .join('')}</ul>`,
    ),
    ...terms.map(p),
    `<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:#0f6cbd;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(t.button)}</a></p>`,
    `<p style="word-break:break-all"><a href="${href}">${href}</a></p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
  return { to: r.to, subject: fill(t.subject, values).replace(/[\r\n]+/g, ' '), text, html };
}

/** An invitation's draft as its reminder: the subject and a first line say so, and when the link ends. */
export function reminderOf(draft: Draft, locale: Locale, expiresAt: string): Draft {
  const t = requestTexts[locale].reminder;
  const line = fill(t.intro, { expiry: formatExpiry(expiresAt, locale) });
  return {
    to: draft.to,
    subject: fill(t.subject, { subject: draft.subject }),
    text: `${line}\n\n${draft.text}`,
    html: draft.html.replace(/<body([^>]*)>/, (body) => `${body}\n<p><strong>${escapeHtml(line)}</strong></p>`),
  };
}
