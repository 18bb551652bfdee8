import { operations } from '../src/api/operations';
import { revokeDelegatedAdmin as revoke } from '../src/domain/delegatedAdmin';
import { endpoint } from '../src/http/endpoint';
import { parseIfMatch } from '../src/http/etag';
import { register } from '../src/http/register';
import { relationshipView } from '../src/http/wire';

/** The partner ends delegated admin early; the relationship stays. */
export const revokeDelegatedAdmin = endpoint(operations.revokeDelegatedAdmin)(async ({ deps, partner, principal, params, request }) => {
  const ifMatch = parseIfMatch(request.headers.get('if-match'));
  const view = relationshipView(await revoke(deps, partner, principal, params.customerId, ifMatch));
  return { status: 200, headers: { ETag: view.etag }, json: view };
});

register(operations.revokeDelegatedAdmin, revokeDelegatedAdmin);
