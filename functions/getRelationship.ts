import { operations } from '../src/api/operations';
import { getRelationship as get } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { relationshipView } from '../src/http/wire';

export const getRelationship = endpoint(operations.getRelationship)(async ({ deps, partner, params }) => {
  const relationship = relationshipView(await get(deps, partner, params.customerId));
  return { status: 200, headers: { ETag: relationship.etag }, json: relationship };
});

register(operations.getRelationship, getRelationship);
