/** Webhook registrations and deliveries on the wire: never a secret, no internal bookkeeping. */
import type { Delivery, Webhook } from '../domain/model';

export function webhookView(w: Webhook) {
  return {
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    ...(w.previousSecretExpiresAt && Date.parse(w.previousSecretExpiresAt) > Date.now()
      ? { previousSecretExpiresAt: w.previousSecretExpiresAt }
      : {}),
  };
}

export function deliveryView(d: Delivery) {
  const { roundStart: _start, roundStartedAt: _at, ...rest } = d;
  return rest;
}
