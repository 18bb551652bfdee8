import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { pendingRequestLinks } from '../src/domain/changeApproval';
import { listCustomerRelationships } from '../src/domain/customerSide';
import { hasAnyRole, CUSTOMER_ADMIN_ROLE } from '../src/domain/model';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS, signInUrl, signOutUrl } from '../src/http/pages';
import { register } from '../src/http/register';
import { localeFromAcceptLanguage } from '../src/i18n';
import { customerPage as render } from '../src/views/pages';

const self = apiPath(operations.customerPage.route);
const revoke = (partnerId: string) => apiPath(operations.customerRevokeDelegatedAdmin.route, { partnerId });

/** "Partner relationships": the customer's page. GET changes nothing. */
export const customerPage = endpoint(operations.customerPage)(async ({ deps, principal, query, request }) => {
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const links = { self, signIn: signInUrl(self), signOut: signOutUrl(self), revoke };
  const admin = principal && hasAnyRole(principal, [CUSTOMER_ADMIN_ROLE]);
  const page = admin
    ? await listCustomerRelationships(deps, principal, { pageSize: query.pageSize, cursor: query.continuationToken })
    : undefined;
  const requests =
    page && principal
      ? await pendingRequestLinks(
          deps,
          principal.tenantId,
          page.items.map((r) => r.partnerId),
        )
      : undefined;
  const next = page?.cursor ? `${self}?continuationToken=${encodeURIComponent(page.cursor)}` : undefined;
  return {
    status: 200,
    headers: PAGE_HEADERS,
    html: render({ locale, principal, relationships: page?.items ?? [], next, links, requests }),
  };
});

register(operations.customerPage, customerPage);
