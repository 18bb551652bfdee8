import { operations } from '../src/api/operations';
import { listPartners as list } from '../src/domain/operator';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

export const listPartners = endpoint(operations.listPartners)(async ({ deps, query }) => ({
  status: 200,
  json: pageView(await list(deps, pageRequest(query))),
}));

register(operations.listPartners, listPartners);
