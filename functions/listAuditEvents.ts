import { operations } from '../src/api/operations';
import { listAuditEvents as list } from '../src/domain/audit';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const listAuditEvents = endpoint(operations.listAuditEvents, async ({ deps, partner, query }) => ({
  status: 200,
  json: await list(deps.store, deps.config.signingKey, partner.id, query),
}));

register(operations.listAuditEvents, listAuditEvents);
