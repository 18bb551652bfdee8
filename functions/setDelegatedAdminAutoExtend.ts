import { operations } from '../src/api/operations';
import { reduceRoles, setAutoExtend } from '../src/domain/delegatedAdmin';
import { endpoint } from '../src/http/endpoint';
import { parseIfMatch } from '../src/http/etag';
import { register } from '../src/http/register';
import { relationshipView } from '../src/http/wire';

/**
 * The partner switches auto-extension and/or keeps fewer roles of delegated admin (If-Match: 412
 * when the relationship changed). Adding a role is refused: it needs an access request.
 */
export const setDelegatedAdminAutoExtend = endpoint(operations.setDelegatedAdminAutoExtend)(async ({
  deps,
  partner,
  principal,
  params,
  body,
  request,
}) => {
  const ifMatch = parseIfMatch(request.headers.get('if-match'));
  const changed =
    body.roles !== undefined
      ? await reduceRoles(deps, partner, principal, params.customerId, { roles: body.roles, autoExtend: body.autoExtend }, ifMatch)
      : await setAutoExtend(deps, partner, principal, params.customerId, body.autoExtend ?? false, ifMatch);
  const view = relationshipView(changed);
  return { status: 200, headers: { ETag: view.etag }, json: view };
});

register(operations.setDelegatedAdminAutoExtend, setDelegatedAdminAutoExtend);
