import { operations } from '../src/api/operations';
import { REMOVAL_NOTICE, removeRelationship as remove } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { parseIfMatch } from '../src/http/etag';
import { register } from '../src/http/register';
import { relationshipView } from '../src/http/wire';

/** Revokes delegated admin and removes the customer from the list. Sends the customer nothing. */
export const removeRelationship = endpoint(operations.removeRelationship)(async ({ deps, partner, principal, params, body, request }) => {
  const ifMatch = parseIfMatch(request.headers.get('if-match'));
  const removed = relationshipView(await remove(deps, partner, principal, params.customerId, body, ifMatch));
  return { status: 200, headers: { ETag: removed.etag }, json: { ...removed, notice: REMOVAL_NOTICE } };
});

register(operations.removeRelationship, removeRelationship);
