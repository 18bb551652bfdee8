import { operations } from '../src/api/operations';
import { putWebhook as put } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { webhookView } from '../src/http/webhookWire';

/** Registers or changes the caller's webhook; the secret is shown once, when it is created. */
export const putWebhook = endpoint(operations.putWebhook)(async ({ deps, partner, body }) => {
  const { webhook, created } = await put(deps, partner, body);
  return created ? { status: 201, json: { ...webhookView(webhook), secret: webhook.secret } } : { status: 200, json: webhookView(webhook) };
});

register(operations.putWebhook, putWebhook);
