import { operations } from '../src/api/operations';
import { listDeliveries as list } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';
import { deliveryView } from '../src/http/webhookWire';

export const listDeliveries = endpoint(operations.listDeliveries)(async ({ deps, partner, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, { status: query.status, ...pageRequest(query) }), deliveryView),
}));

register(operations.listDeliveries, listDeliveries);
