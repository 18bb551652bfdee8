import { operations } from '../src/api/operations';
import { sendInvitation as send } from '../src/domain/invitationSending';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const sendInvitation = endpoint(operations.sendInvitation)(async ({ deps, partner, principal, params, body }) => ({
  status: 200,
  json: await send(deps, partner, principal, params.id, body),
}));

register(operations.sendInvitation, sendInvitation);
