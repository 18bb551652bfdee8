/**
 * The customer's pages: small, accessible, self-contained HTML (no external asset, no script),
 * in the invitation's language. Every value from a user is escaped.
 */
import { accessValues } from '../domain/drafts';
import { accessOf } from '../domain/grant';
import { CUSTOMER_ADMIN_ROLE, hasAnyRole, type CustomerRelationship, type Invitation, type Locale, type Principal } from '../domain/model';
import { roleName } from '../domain/roles';
import { fill, formatExpiry, texts, type Values } from '../i18n';
import { escapeHtml } from '../domain/text';
import { requestTexts } from '../i18n/requests';

/** The pages' only stylesheet (the HTTP layer allows exactly this one by its hash). */
export const PAGE_STYLE = `body{font-family:system-ui,"Segoe UI",Arial,sans-serif;line-height:1.5;color:#1b1b1b;background:#f5f5f5;margin:0}
main{max-width:48rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}.actions{display:flex;gap:1rem;margin-top:1.5rem}
button,.button{font-size:1rem;padding:.6rem 1.4rem;border-radius:4px;border:1px solid #0f6cbd;cursor:pointer;text-decoration:none;display:inline-block}
.primary{background:#0f6cbd;color:#fff}.secondary{background:#fff;color:#0f6cbd}
button:focus-visible,.button:focus-visible{outline:3px solid #000;outline-offset:2px}.muted{color:#555;font-size:.95rem}
.notice{border-left:4px solid #c50f1f;padding:.2rem .8rem;background:#fdf3f4}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .3rem;border-bottom:1px solid #ddd;vertical-align:top}
.change{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:0 1.5rem}.change h2{font-size:1.05rem;margin-bottom:.3rem}
@media (max-width:30rem){main{margin:0;padding:1rem;border-radius:0}}`;

export function layout(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function values(inv: Invitation): Values {
  return {
    reseller: inv.partnerName,
    provider: inv.providerName ?? '',
    company: inv.customer.companyName,
    expiry: formatExpiry(inv.expiresAt, inv.locale),
  };
}

export const h = (template: string, v: Values) => fill(template, v, escapeHtml);

export interface PageLinks {
  self: string;
  signIn: string;
  /** Signs out and comes back here (to sign in with another account). */
  signOut: string;
  /** The customer's own page. */
  customerPage: string;
}

/** The roles asked for, by name, with their duration, end date and the customer's right to remove them. */
function accessBlock(inv: Invitation, now: Date): string {
  const t = texts[inv.locale].page;
  const access = accessOf(inv);
  const v = accessValues(access, now.toISOString(), inv.locale);
  return `<ul>${access.roles.map((r) => `<li>${escapeHtml(roleName(r, inv.locale))}</li>`).join('')}</ul>
<p>${h(t.duration, v)}${access.autoExtend ? ` ${escapeHtml(t.autoExtend)}` : ''}</p>`;
}

/**
 * The invitation: who invites, the provider, the roles asked for and for how long, the expiry; the
 * Accept/Decline form only for a global admin of the right tenant, else what is needed and a way
 * to switch accounts; a sign-in link when signed out.
 */
export function invitationPage(inv: Invitation, principal: Principal | undefined, links: PageLinks, now: Date): string {
  const t = texts[inv.locale].page;
  const v = values(inv);
  const both = inv.providerName !== undefined;
  const form = `<form method="post" action="${escapeHtml(links.self)}" class="actions">
<button type="submit" name="decision" value="accept" class="primary">${escapeHtml(t.accept)}</button>
<button type="submit" name="decision" value="decline" class="secondary">${escapeHtml(t.decline)}</button>
</form>`;
  return layout(
    inv.locale,
    t.title,
    `<h1>${h(both ? t.headingWithProvider : t.heading, v)}</h1>
<p>${h(both ? t.grantsWithProvider : t.grants, v)}</p>
${accessBlock(inv, now)}
<p>${escapeHtml(t.removeAnyTime)} <a href="${escapeHtml(links.customerPage)}">${escapeHtml(t.customerPageLink)}</a></p>
<p>${h(t.expiry, v)}</p>
${answerBlock({ locale: inv.locale, principal, links, tenant: inv.customer.tenantId, form, texts: t })}`,
  );
}

export interface AnswerBlock {
  locale: Locale;
  principal: Principal | undefined;
  links: Pick<PageLinks, 'signIn' | 'signOut'>;
  /** The only tenant that may answer, when known. */
  tenant?: string | undefined;
  /** The answer form: shown only to a global admin of the right tenant. */
  form: string;
  texts: { signInPrompt: string; onlyGlobalAdmin: string; roleNeeded: string; wrongTenant: string };
}

/** Whether a signed-in user may answer (true), or why not. */
export function mayAnswer(principal: Principal, tenant: string | undefined): true | 'wrongTenant' | 'roleNeeded' {
  if (tenant && tenant !== principal.tenantId) return 'wrongTenant';
  return hasAnyRole(principal, [CUSTOMER_ADMIN_ROLE]) ? true : 'roleNeeded';
}

/**
 * Who may answer a link's page: a sign-in link when signed out; another tenant or a user without
 * the global admin role is told why and offered another account, with no form.
 */
export function answerBlock(b: AnswerBlock): string {
  const t = texts[b.locale].page;
  const switchAccount = `<p class="actions"><a class="button secondary" href="${escapeHtml(b.links.signOut)}">${escapeHtml(t.switchAccount)}</a></p>`;
  if (!b.principal) {
    return `<p>${escapeHtml(b.texts.signInPrompt)}</p><p class="muted">${escapeHtml(b.texts.onlyGlobalAdmin)}</p>
<p class="actions"><a class="button primary" href="${escapeHtml(b.links.signIn)}">${escapeHtml(t.signIn)}</a></p>`;
  }
  const who = `<p class="muted">${h(t.signedInAs, { user: b.principal.name, tenant: b.principal.tenantId })}</p>`;
  const refusal = mayAnswer(b.principal, b.tenant);
  if (refusal === 'wrongTenant') {
    return `${who}<p class="notice" role="alert">${h(b.texts.wrongTenant, { tenant: b.tenant ?? '' })}</p>${switchAccount}`;
  }
  if (refusal === 'roleNeeded') return `${who}<p class="notice" role="alert">${escapeHtml(b.texts.roleNeeded)}</p>${switchAccount}`;
  return `${who}\n${b.form}`;
}

export function invalidLinkPage(locale: Locale): string {
  const t = texts[locale].page;
  return layout(locale, t.invalidTitle, `<h1>${escapeHtml(t.invalidTitle)}</h1><p>${escapeHtml(t.invalidBody)}</p>`);
}

const customerLink = (locale: Locale, href: string) =>
  `<p>${escapeHtml(texts[locale].page.removeAnyTime)} <a href="${escapeHtml(href)}">${escapeHtml(texts[locale].page.customerPageLink)}</a></p>`;

/** `ended`: the relationship the invitation established has since been removed (the page says so, never by whom). */
export function alreadyAcceptedPage(inv: Invitation, customerPage: string, ended = false): string {
  const t = texts[inv.locale].page;
  if (ended) return endedPage(inv);
  return layout(
    inv.locale,
    t.acceptedTitle,
    `<h1>${escapeHtml(t.acceptedTitle)}</h1><p>${escapeHtml(t.acceptedBody)}</p>${customerLink(inv.locale, customerPage)}`,
  );
}

function endedPage(inv: Invitation): string {
  const t = texts[inv.locale].page;
  return layout(inv.locale, t.acceptedTitle, `<h1 role="status">${escapeHtml(t.acceptedTitle)}</h1><p>${h(t.endedBody, values(inv))}</p>`);
}

export function answeredPage(inv: Invitation, status: 'accepted' | 'declined', customerPage: string, ended = false): string {
  const t = texts[inv.locale].page;
  const v = values(inv);
  if (status === 'accepted' && ended) return endedPage(inv);
  if (status === 'declined')
    return layout(inv.locale, t.declinedTitle, `<h1 role="status">${escapeHtml(t.declinedTitle)}</h1><p>${h(t.declinedBody, v)}</p>`);
  const body = inv.providerName !== undefined ? t.acceptedDoneBodyWithProvider : t.acceptedDoneBody;
  return layout(
    inv.locale,
    t.acceptedTitle,
    `<h1 role="status">${escapeHtml(t.acceptedTitle)}</h1><p>${h(body, v)}</p>${customerLink(inv.locale, customerPage)}`,
  );
}

/** A refusal in the page's language (by its problem code), else the service's own detail. */
export function errorPage(locale: Locale, code: string, detail: string): string {
  const t = texts[locale].page;
  const message = t.errors[code] ?? detail;
  return layout(locale, t.errorTitle, `<h1>${escapeHtml(t.errorTitle)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}

// ---------------------------------------------------------------- the customer's own page

export interface CustomerPageInput {
  locale: Locale;
  principal: Principal | undefined;
  relationships: CustomerRelationship[];
  /** Where the next page of partners is, if any. */
  next?: string | undefined;
  /** The partner whose roles were just removed (the form post's answer). */
  removed?: string | undefined;
  links: { self: string; signIn: string; signOut: string; revoke: (partnerId: string) => string };
  /** The link of each partner's pending access request, by partner ID. */
  requests?: Map<string, string> | undefined;
}

/** "Partner relationships": every partner with a relationship to the signed-in tenant, "Remove roles" per partner. */
export function customerPage(p: CustomerPageInput): string {
  const t = texts[p.locale].customer;
  const pt = texts[p.locale].page;
  const heading = `<h1>${escapeHtml(t.title)}</h1>`;
  const switchAccount = `<p class="actions"><a class="button secondary" href="${escapeHtml(p.links.signOut)}">${escapeHtml(pt.switchAccount)}</a></p>`;
  if (!p.principal) {
    return layout(
      p.locale,
      t.title,
      `${heading}<p>${escapeHtml(t.signInPrompt)}</p><p class="actions"><a class="button primary" href="${escapeHtml(p.links.signIn)}">${escapeHtml(pt.signIn)}</a></p>`,
    );
  }
  const who = `<p class="muted">${h(pt.signedInAs, { user: p.principal.name, tenant: p.principal.tenantId })}</p>`;
  if (!hasAnyRole(p.principal, [CUSTOMER_ADMIN_ROLE])) {
    return layout(p.locale, t.title, `${heading}${who}<p class="notice" role="alert">${escapeHtml(t.roleNeeded)}</p>${switchAccount}`);
  }
  const removed = p.removed ? `<p role="status">${h(t.removed, { partner: p.removed })}</p>` : '';
  const rows = p.relationships.map((r) => {
    const da = r.delegatedAdmin;
    const roles = da.roles.map((id) => `<li>${escapeHtml(roleName(id, p.locale))}</li>`).join('');
    const status = escapeHtml(t[da.status]);
    const ends =
      da.status === 'granted'
        ? `${escapeHtml(formatExpiry(da.endsAt, p.locale))}${da.autoExtend ? ` (${escapeHtml(t.autoExtends)})` : ''}`
        : '';
    const button =
      da.status === 'granted'
        ? `<form method="post" action="${escapeHtml(p.links.revoke(r.partnerId))}"><button type="submit" class="secondary">${escapeHtml(t.removeRoles)}</button></form>`
        : '';
    const request = p.requests?.get(r.partnerId);
    const pending = request
      ? `<p><strong>${escapeHtml(requestTexts[p.locale].page.pending)}</strong>: <a href="${escapeHtml(request)}">${escapeHtml(requestTexts[p.locale].page.review)}</a></p>`
      : '';
    return `<tr><td>${escapeHtml(r.partnerName)}${pending}</td><td>${escapeHtml(r.role === 'reseller' ? t.reseller : t.indirectProvider)}</td><td><ul>${roles}</ul></td><td>${status}</td><td>${ends}</td><td>${button}</td></tr>`;
  });
  const table = rows.length
    ? `<table><thead><tr><th>${escapeHtml(t.partner)}</th><th>${escapeHtml(t.kind)}</th><th>${escapeHtml(t.roles)}</th><th>${escapeHtml(t.status)}</th><th>${escapeHtml(t.endsAt)}</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : `<p>${escapeHtml(t.none)}</p>`;
  const more = p.next ? `<p><a href="${escapeHtml(p.next)}">${escapeHtml(t.more)}</a></p>` : '';
  return layout(p.locale, t.title, `${heading}${who}${removed}<p>${escapeHtml(t.intro)}</p>${table}${more}`);
}
