import { operations } from '../src/api/operations';
import { listChangeRequests as list } from '../src/domain/changeRequests';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

export const listChangeRequests = endpoint(operations.listChangeRequests)(async ({ deps, partner, params, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, params.customerId, pageRequest(query))),
}));

register(operations.listChangeRequests, listChangeRequests);
