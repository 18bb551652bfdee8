import { operations } from '../src/api/operations';
import { listInvitations as list } from '../src/domain/invitations';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { useCaseDeps } from '../src/http/settings';

export const listInvitations = endpoint(operations.listInvitations, async ({ deps, partner, query }) => ({
  status: 200,
  json: await list(useCaseDeps(deps), partner, query),
}));

register(operations.listInvitations, listInvitations);
