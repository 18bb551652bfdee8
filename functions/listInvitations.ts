import { operations } from '../src/api/operations';
import { exportInvitations } from '../src/domain/exports';
import { listInvitations as list } from '../src/domain/invitationViews';
import { csvHeaders, csvOf, delimiterOf, wantsCsv } from '../src/http/csv';
import { INVITATION_COLUMNS } from '../src/http/csvViews';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

export const listInvitations = endpoint(operations.listInvitations)(async ({ deps, partner, query, request }) => {
  if (wantsCsv(request, query.format)) {
    const rows = exportInvitations(deps, partner, query.status);
    return { status: 200, headers: csvHeaders('invitations', deps.clock.now()), body: csvOf(rows, INVITATION_COLUMNS, delimiterOf(query)) };
  }
  return { status: 200, json: pageView(await list(deps, partner, { status: query.status, ...pageRequest(query) })) };
});

register(operations.listInvitations, listInvitations);
