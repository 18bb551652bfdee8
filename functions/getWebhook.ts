import { operations } from '../src/api/operations';
import { getWebhook as get } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { webhookView } from '../src/http/webhookWire';

export const getWebhook = endpoint(operations.getWebhook)(async ({ deps, partner }) => ({
  status: 200,
  json: webhookView(await get(deps, partner)),
}));

register(operations.getWebhook, getWebhook);
