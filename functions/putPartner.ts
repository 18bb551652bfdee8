import { operations } from '../src/api/operations';
import { routes } from '../src/api/routes';
import { apiPath } from '../src/api/paths';
import { actorOf } from '../src/domain/model';
import { putPartner as put } from '../src/domain/operator';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const putPartner = endpoint(operations.putPartner)(async ({ deps, principal, params, body }) => {
  const { created, partner } = await put(deps, actorOf(principal), params.id, body);
  return created
    ? { status: 201, headers: { Location: apiPath(routes.getPartnerRecord.route, { id: partner.id }) }, json: partner }
    : { status: 200, json: partner };
});

register(operations.putPartner, putPartner);
