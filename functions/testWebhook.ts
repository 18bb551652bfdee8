import { operations } from '../src/api/operations';
import { sendTestEvent } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const testWebhook = endpoint(operations.testWebhook)(async ({ deps, partner }) => ({
  status: 202,
  json: { eventId: await sendTestEvent(deps, partner) },
}));

register(operations.testWebhook, testWebhook);
