import { operations } from '../src/api/operations';
import { listAuditEvents as list } from '../src/domain/audit';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

export const listAuditEvents = endpoint(operations.listAuditEvents)(async ({ deps, partner, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, { customerId: query.customerId, ...pageRequest(query) })),
}));

register(operations.listAuditEvents, listAuditEvents);
