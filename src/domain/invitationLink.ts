/** An invitation's link (its signed token) and the email draft that carries it. */
import { buildDraft, type Draft } from './drafts';
import { accessOf } from './grant';
import type { Invitation } from './model';
import type { Deps } from './ports';
import { makeLinkToken } from './tokens';

export function linkOf(settings: Deps['settings'], inv: Invitation): string {
  return settings.acceptUrl(makeLinkToken(settings.signingKey, inv.partnerId, inv.id, inv.nonce));
}

export function draftOf(settings: Deps['settings'], inv: Invitation): Draft {
  return buildDraft({
    locale: inv.locale,
    to: inv.customer.email,
    resellerName: inv.partnerName,
    providerName: inv.providerName,
    companyName: inv.customer.companyName,
    url: linkOf(settings, inv),
    expiresAt: inv.expiresAt,
    access: accessOf(inv),
    customerUrl: settings.customerPageUrl,
  });
}
