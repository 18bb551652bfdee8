import { operations } from '../src/api/operations';
import { getChangeRequest as get } from '../src/domain/changeRequests';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const getChangeRequest = endpoint(operations.getChangeRequest)(async ({ deps, partner, params }) => ({
  status: 200,
  json: await get(deps, partner, params.customerId, params.id),
}));

register(operations.getChangeRequest, getChangeRequest);
