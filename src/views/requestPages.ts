/**
 * The customer's pages of an access request, in the request's language: the change side by side
 * (roles added, privileged ones marked, each with its checkbox; kept; removed; the current and the
 * new end date), and the answer. The sign-in, role and tenant checks and the layout are the
 * accept page's own (src/views/pages.ts).
 */
import type { ChangeRequest } from '../domain/changeRequest';
import { accessValues } from '../domain/drafts';
import type { Locale, Principal, Relationship } from '../domain/model';
import { roleById, roleName } from '../domain/roles';
import { formatExpiry, texts } from '../i18n';
import { requestTexts } from '../i18n/requests';
import { escapeHtml } from '../domain/text';
import { answerBlock, h, layout, mayAnswer, type PageLinks } from './pages';

const FORM_ID = 'answer';

function roleItem(id: string, locale: Locale, checkbox: boolean): string {
  const t = requestTexts[locale].page;
  const name = escapeHtml(roleName(id, locale));
  const mark = roleById(id)?.privileged ? ` <strong>(${escapeHtml(t.privileged)})</strong>` : '';
  if (!checkbox) return `<li>${name}${mark}</li>`;
  // Outside the form element, tied to it by its id: the change reads side by side.
  return `<li><label><input type="checkbox" name="roles" value="${escapeHtml(id)}" form="${FORM_ID}" checked> ${name}${mark}</label></li>`;
}

function roleList(ids: string[], locale: Locale, checkboxes = false): string {
  if (!ids.length) return `<p class="muted">${escapeHtml(requestTexts[locale].page.none)}</p>`;
  return `<ul>${ids.map((id) => roleItem(id, locale, checkboxes)).join('')}</ul>`;
}

/** One side of the change: side by side on a wide screen, one under the other on a narrow one. */
const column = (title: string, body: string) => `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;

export function requestPage(r: ChangeRequest, principal: Principal | undefined, links: PageLinks, now: Date): string {
  const t = requestTexts[r.locale].page;
  const v = { partner: r.partnerName, company: r.companyName, expiry: formatExpiry(r.expiresAt, r.locale), tenant: r.customerId };
  const canAnswer = principal !== undefined && mayAnswer(principal, r.customerId) === true;
  const currentEnd = r.current.roles.length ? formatExpiry(r.current.endsAt, r.locale) : t.noneHeld;
  // An empty `roles` tells "the boxes were shown" apart from "no box checked": none approved.
  const form = `<form id="${FORM_ID}" method="post" action="${escapeHtml(links.self)}" class="actions">
<input type="hidden" name="roles" value="">
<button type="submit" name="decision" value="approve" class="primary">${escapeHtml(t.approve)}</button>
<button type="submit" name="decision" value="decline" class="secondary">${escapeHtml(t.decline)}</button>
</form>`;
  const pt = texts[r.locale].page;
  return layout(
    r.locale,
    t.title,
    `<h1>${h(t.heading, v)}</h1>
<p>${escapeHtml(t.intro)}</p>
<div class="change">${column(t.added, roleList(r.added, r.locale, canAnswer))}${column(t.kept, roleList(r.kept, r.locale))}${column(t.removed, roleList(r.removed, r.locale))}</div>
<dl><dt>${escapeHtml(t.currentEnd)}</dt><dd>${escapeHtml(currentEnd)}</dd>
<dt>${escapeHtml(t.newEnd)}</dt><dd>${escapeHtml(accessValues(r.requested, now.toISOString(), r.locale).endsAt)}</dd></dl>
${r.requested.autoExtend ? `<p>${escapeHtml(t.autoExtend)}</p>` : ''}
<p>${escapeHtml(pt.removeAnyTime)} <a href="${escapeHtml(links.customerPage)}">${escapeHtml(pt.customerPageLink)}</a></p>
<p>${h(t.expiry, v)}</p>
${answerBlock({ locale: r.locale, principal, links, tenant: r.customerId, form, texts: t })}`,
  );
}

/** The answer given: the roles held now and until when, or that nothing changed. */
export function requestAnsweredPage(r: ChangeRequest, relationship: Relationship | undefined, customerPage: string): string {
  const t = requestTexts[r.locale].page;
  const pt = texts[r.locale].page;
  const link = `<p><a href="${escapeHtml(customerPage)}">${escapeHtml(pt.customerPageLink)}</a></p>`;
  if (r.status === 'declined') {
    return layout(
      r.locale,
      t.declinedTitle,
      `<h1 role="status">${escapeHtml(t.declinedTitle)}</h1><p>${h(t.declinedBody, { partner: r.partnerName })}</p>${link}`,
    );
  }
  const grant = relationship?.delegatedAdmin;
  const v = { partner: r.partnerName, endsAt: grant ? formatExpiry(grant.endsAt, r.locale) : '' };
  return layout(
    r.locale,
    t.approvedTitle,
    `<h1 role="status">${escapeHtml(t.approvedTitle)}</h1><p>${h(t.approvedBody, v)}</p>${roleList(grant?.status === 'granted' ? grant.roles : [], r.locale)}${link}`,
  );
}

export function requestInvalidPage(locale: Locale): string {
  const t = requestTexts[locale].page;
  const title = texts[locale].page.invalidTitle;
  return layout(locale, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(t.invalidBody)}</p>`);
}
