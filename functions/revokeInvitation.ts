import { operations } from '../src/api/operations';
import { revokeInvitation as revoke } from '../src/domain/invitationRevoke';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const revokeInvitation = endpoint(operations.revokeInvitation)(async ({ deps, partner, principal, params }) => ({
  status: 200,
  json: await revoke(deps, partner, principal, params.id),
}));

register(operations.revokeInvitation, revokeInvitation);
