import { operations } from '../src/api/operations';
import { rotateSecret } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** A new secret, shown once; the previous one signs alongside it for 24 h. */
export const rotateWebhookSecret = endpoint(operations.rotateWebhookSecret)(async ({ deps, partner }) => {
  const w = await rotateSecret(deps, partner);
  return { status: 200, json: { secret: w.secret, previousSecretExpiresAt: w.previousSecretExpiresAt ?? '' } };
});

register(operations.rotateWebhookSecret, rotateWebhookSecret);
