import { operations } from '../src/api/operations';
import { removeRelationship as remove } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** Revokes delegated admin and removes the customer from the list. Sends the customer nothing. */
export const removeRelationship = endpoint(operations.removeRelationship, async ({ deps, partner, principal, params, body, request }) => {
  const result = await remove(
    { store: deps.store, clock: deps.clock },
    partner,
    principal,
    params.customerId,
    body,
    request.headers.get('if-match'),
  );
  return { status: 200, headers: { ETag: result.etag }, json: result };
});

register(operations.removeRelationship, removeRelationship);
