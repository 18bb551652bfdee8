import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { listCustomerRelationships } from '../src/domain/customerSide';
import { revokeByCustomer } from '../src/domain/delegatedAdmin';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS, signInUrl, signOutUrl } from '../src/http/pages';
import { register } from '../src/http/register';
import { isFormPost } from '../src/http/sameSite';
import { customerRelationshipView } from '../src/http/wire';
import { localeFromAcceptLanguage } from '../src/i18n';
import { customerPage } from '../src/views/pages';

const self = apiPath(operations.customerPage.route);
const revokePath = (partnerId: string) => apiPath(operations.customerRevokeDelegatedAdmin.route, { partnerId });

/** The customer's global admin removes a partner's roles. Browsers get the page again, API clients JSON. No email. */
export const customerRevokeDelegatedAdmin = endpoint(operations.customerRevokeDelegatedAdmin)(async ({
  deps,
  params,
  principal,
  request,
}) => {
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const revoked = await revokeByCustomer(deps, principal, params.partnerId);
  if (!isFormPost(request)) return { status: 200, json: customerRelationshipView(revoked, locale) };
  const page = await listCustomerRelationships(deps, principal, { pageSize: 100 });
  const links = { self, signIn: signInUrl(self), signOut: signOutUrl(self), revoke: revokePath };
  const html = customerPage({ locale, principal, relationships: page.items, removed: revoked.partnerName, links });
  return { status: 200, headers: PAGE_HEADERS, html };
});

register(operations.customerRevokeDelegatedAdmin, customerRevokeDelegatedAdmin);
