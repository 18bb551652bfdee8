import { operations } from '../src/api/operations';
import { listInvitations as list } from '../src/domain/invitationViews';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

export const listInvitations = endpoint(operations.listInvitations)(async ({ deps, partner, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, { status: query.status, ...pageRequest(query) })),
}));

register(operations.listInvitations, listInvitations);
