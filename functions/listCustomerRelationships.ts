import { operations } from '../src/api/operations';
import { listCustomerRelationships as list } from '../src/domain/customerSide';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { customerRelationshipView, pageRequest, pageView } from '../src/http/wire';
import { localeFromAcceptLanguage } from '../src/i18n';

/** The customer's global admin: its partners, their roles, status and end dates. */
export const listCustomerRelationships = endpoint(operations.listCustomerRelationships)(async ({ deps, principal, query, request }) => {
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const page = await list(deps, principal, pageRequest(query));
  return { status: 200, json: pageView(page, (r) => customerRelationshipView(r, locale)) };
});

register(operations.listCustomerRelationships, listCustomerRelationships);
