import { operations } from '../src/api/operations';
import { revokeChangeRequest as revoke } from '../src/domain/changeRequests';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** Revokes a pending access request: its link answers 410 from now on. */
export const revokeChangeRequest = endpoint(operations.revokeChangeRequest)(async ({ deps, partner, principal, params }) => ({
  status: 200,
  json: await revoke(deps, partner, principal, params.customerId, params.id),
}));

register(operations.revokeChangeRequest, revokeChangeRequest);
