import { apiPath } from '../src/api/paths';
import { operations } from '../src/api/operations';
import { createInvitation as create } from '../src/domain/invitationCreate';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { localeFromAcceptLanguage } from '../src/i18n';

export const createInvitation = endpoint(operations.createInvitation)(async ({ deps, partner, principal, body, request }) => {
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
  const invitation = await create(deps, partner, principal, body, locale, idempotencyKey);
  return { status: 201, headers: { Location: apiPath(operations.getInvitation.route, { id: invitation.id }) }, json: invitation };
});

register(operations.createInvitation, createInvitation);
