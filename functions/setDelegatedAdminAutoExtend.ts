import { operations } from '../src/api/operations';
import { setAutoExtend } from '../src/domain/delegatedAdmin';
import { endpoint } from '../src/http/endpoint';
import { parseIfMatch } from '../src/http/etag';
import { register } from '../src/http/register';
import { relationshipView } from '../src/http/wire';

/** The partner switches auto-extension of delegated admin (If-Match: 412 when the relationship changed). */
export const setDelegatedAdminAutoExtend = endpoint(operations.setDelegatedAdminAutoExtend)(async ({
  deps,
  partner,
  principal,
  params,
  body,
  request,
}) => {
  const ifMatch = parseIfMatch(request.headers.get('if-match'));
  const view = relationshipView(await setAutoExtend(deps, partner, principal, params.customerId, body.autoExtend, ifMatch));
  return { status: 200, headers: { ETag: view.etag }, json: view };
});

register(operations.setDelegatedAdminAutoExtend, setDelegatedAdminAutoExtend);
