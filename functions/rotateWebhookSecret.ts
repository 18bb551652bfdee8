import { operations } from '../src/api/operations';
import { rotateSecret } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { secretView } from '../src/http/webhookWire';

/** A new secret, shown once; the previous ones sign alongside it for 24 h after each was replaced. */
export const rotateWebhookSecret = endpoint(operations.rotateWebhookSecret)(async ({ deps, partner }) => {
  const w = await rotateSecret(deps, partner);
  return { status: 200, json: secretView(w) };
});

register(operations.rotateWebhookSecret, rotateWebhookSecret);
