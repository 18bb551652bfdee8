import { operations } from '../src/api/operations';
import { getPartnerRecord as get } from '../src/domain/operator';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const getPartnerRecord = endpoint(operations.getPartnerRecord)(async ({ deps, params }) => ({
  status: 200,
  json: await get(deps, params.id),
}));

register(operations.getPartnerRecord, getPartnerRecord);
