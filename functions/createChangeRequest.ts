import { apiPath } from '../src/api/paths';
import { operations } from '../src/api/operations';
import { requestChange } from '../src/domain/changeRequests';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { localeFromAcceptLanguage } from '../src/i18n';

/** The partner asks the customer for other roles or a new duration; a pending request is superseded. */
export const createChangeRequest = endpoint(operations.createChangeRequest)(async ({ deps, partner, principal, params, body, request }) => {
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const created = await requestChange(deps, partner, principal, params.customerId, body, locale);
  const location = apiPath(operations.getChangeRequest.route, { customerId: params.customerId, id: created.id });
  return { status: 201, headers: { Location: location }, json: created };
});

register(operations.createChangeRequest, createChangeRequest);
