import { operations } from '../src/api/operations';
import { listRelationships as list } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView, relationshipView } from '../src/http/wire';

export const listRelationships = endpoint(operations.listRelationships)(async ({ deps, partner, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, { status: query.status, q: query.q, ...pageRequest(query) }), relationshipView),
}));

register(operations.listRelationships, listRelationships);
