/**
 * The customer's pages: small, accessible, self-contained HTML (no external asset, no script),
 * in the invitation's language. Every value from a user is escaped.
 */
import type { Invitation, Locale, Principal } from '../domain/model';
import { fill, formatExpiry, texts, type Values } from '../i18n';
import { escapeHtml } from './html';

/** The pages' only stylesheet (the HTTP layer allows exactly this one by its hash). */
export const PAGE_STYLE = `body{font-family:system-ui,"Segoe UI",Arial,sans-serif;line-height:1.5;color:#1b1b1b;background:#f5f5f5;margin:0}
main{max-width:36rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}.actions{display:flex;gap:1rem;margin-top:1.5rem}
button,.button{font-size:1rem;padding:.6rem 1.4rem;border-radius:4px;border:1px solid #0f6cbd;cursor:pointer;text-decoration:none;display:inline-block}
.primary{background:#0f6cbd;color:#fff}.secondary{background:#fff;color:#0f6cbd}
button:focus-visible,.button:focus-visible{outline:3px solid #000;outline-offset:2px}.muted{color:#555;font-size:.95rem}`;

function layout(locale: Locale, title: string, body: string): string {
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

const h = (template: string, v: Values) => fill(template, v, escapeHtml);

/** The invitation: who invites, the provider, what accepting grants, the expiry, and the form or a sign-in link. */
export function invitationPage(inv: Invitation, principal: Principal | undefined, links: { self: string; signIn: string }): string {
  const t = texts[inv.locale].page;
  const v = values(inv);
  const both = inv.providerName !== undefined;
  const { self: selfPath, signIn } = links;
  const action = principal
    ? `<p class="muted">${h(t.signedInAs, { user: principal.name, tenant: principal.tenantId })}</p>
<p class="muted">${escapeHtml(t.onlyGlobalAdmin)}</p>
<form method="post" action="${escapeHtml(selfPath)}" class="actions">
<button type="submit" name="decision" value="accept" class="primary">${escapeHtml(t.accept)}</button>
<button type="submit" name="decision" value="decline" class="secondary">${escapeHtml(t.decline)}</button>
</form>`
    : `<p>${escapeHtml(t.signInPrompt)}</p><p class="muted">${escapeHtml(t.onlyGlobalAdmin)}</p>
<p class="actions"><a class="button primary" href="${escapeHtml(signIn)}">${escapeHtml(t.signIn)}</a></p>`;
  return layout(
    inv.locale,
    t.title,
    `<h1>${h(both ? t.headingWithProvider : t.heading, v)}</h1>
<p>${h(both ? t.grantsWithProvider : t.grants, v)}</p>
<p>${h(t.expiry, v)}</p>
${action}`,
  );
}

export function invalidLinkPage(locale: Locale): string {
  const t = texts[locale].page;
  return layout(locale, t.invalidTitle, `<h1>${escapeHtml(t.invalidTitle)}</h1><p>${escapeHtml(t.invalidBody)}</p>`);
}

/** `ended`: the relationship the invitation established has since been removed (the page says so, never by whom). */
export function alreadyAcceptedPage(inv: Invitation, ended = false): string {
  const t = texts[inv.locale].page;
  if (ended) return endedPage(inv);
  return layout(inv.locale, t.acceptedTitle, `<h1>${escapeHtml(t.acceptedTitle)}</h1><p>${escapeHtml(t.acceptedBody)}</p>`);
}

function endedPage(inv: Invitation): string {
  const t = texts[inv.locale].page;
  return layout(inv.locale, t.acceptedTitle, `<h1 role="status">${escapeHtml(t.acceptedTitle)}</h1><p>${h(t.endedBody, values(inv))}</p>`);
}

export function answeredPage(inv: Invitation, status: 'accepted' | 'declined', ended = false): string {
  const t = texts[inv.locale].page;
  const v = values(inv);
  if (status === 'accepted' && ended) return endedPage(inv);
  if (status === 'declined')
    return layout(inv.locale, t.declinedTitle, `<h1 role="status">${escapeHtml(t.declinedTitle)}</h1><p>${h(t.declinedBody, v)}</p>`);
  const body = inv.providerName !== undefined ? t.acceptedDoneBodyWithProvider : t.acceptedDoneBody;
  return layout(inv.locale, t.acceptedTitle, `<h1 role="status">${escapeHtml(t.acceptedTitle)}</h1><p>${h(body, v)}</p>`);
}

/** A refusal in the page's language (by its problem code), else the service's own detail. */
export function errorPage(locale: Locale, code: string, detail: string): string {
  const t = texts[locale].page;
  const message = t.errors[code] ?? detail;
  return layout(locale, t.errorTitle, `<h1>${escapeHtml(t.errorTitle)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}
