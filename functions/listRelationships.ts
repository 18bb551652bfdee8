import { operations } from '../src/api/operations';
import { exportRelationships } from '../src/domain/exports';
import { listRelationships as list } from '../src/domain/relationships';
import { csvHeaders, csvOf, delimiterOf, wantsCsv } from '../src/http/csv';
import { RELATIONSHIP_COLUMNS } from '../src/http/csvViews';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView, relationshipView } from '../src/http/wire';

export const listRelationships = endpoint(operations.listRelationships)(async ({ deps, partner, query, request }) => {
  if (wantsCsv(request, query.format)) {
    const rows = exportRelationships(deps, partner, { status: query.status, q: query.q });
    return { status: 200, headers: csvHeaders('customers', deps.clock.now()), body: csvOf(rows, RELATIONSHIP_COLUMNS, delimiterOf(query)) };
  }
  return {
    status: 200,
    json: pageView(await list(deps, partner, { status: query.status, q: query.q, ...pageRequest(query) }), relationshipView),
  };
});

register(operations.listRelationships, listRelationships);
