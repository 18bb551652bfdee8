import { operations } from '../src/api/operations';
import { getInvitation as get } from '../src/domain/invitationViews';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const getInvitation = endpoint(operations.getInvitation)(async ({ deps, partner, params }) => ({
  status: 200,
  json: await get(deps, partner, params.id),
}));

register(operations.getInvitation, getInvitation);
