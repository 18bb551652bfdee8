/** Webhook registrations and deliveries on the wire: never a secret, no internal bookkeeping. */
import { HEALTHY } from '../domain/circuit';
import type { Delivery, Webhook } from '../domain/model';
import { retiredSecrets } from '../domain/webhooks';

/** When the last of the replaced secrets stops signing (absent when none signs any more). */
function previousSecretExpiresAt(w: Webhook): string | undefined {
  return retiredSecrets(w, new Date()).at(-1)?.expiresAt;
}

export function webhookView(w: Webhook) {
  const { status, failingSince, consecutiveFailures } = w.health ?? HEALTHY;
  const expires = previousSecretExpiresAt(w);
  return {
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    health: { status, ...(failingSince && status !== 'healthy' ? { failingSince } : {}), consecutiveFailures },
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    ...(expires ? { previousSecretExpiresAt: expires } : {}),
  };
}

/** A rotation's answer: the new secret, once. */
export const secretView = (w: Webhook) => ({ secret: w.secret, previousSecretExpiresAt: previousSecretExpiresAt(w) ?? '' });

export function deliveryView(d: Delivery) {
  const { roundStart: _start, roundStartedAt: _at, claimedAt: _c, held: _h, redeliveries: _r, ...rest } = d;
  return rest;
}
