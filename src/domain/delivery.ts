/**
 * Webhook delivery: the work of one queue message. At least once, deduplicated by event id:
 * the delivery state (one record per event, written with its version) says which attempt was
 * made last, so a message for an attempt already made, or for an event delivered or failed, is
 * dropped. Retries are new messages with a visibility delay (never the host's own retries).
 *
 * A message may name events not (yet) committed: every commit announces its events before it
 * is applied, with a delay (see the store), so that a process dying between the commit and the
 * enqueue loses nothing. A worker that finds no such event drops it (the commit failed).
 */
import { createHmac } from 'node:crypto';
import { completeAcceptance } from './acceptance';
import { completeOwed } from './customerSide';
import { WriteConflict } from './errors';
import { eventIdTime } from './events';
import type { CloudEvent, Delivery, Webhook } from './model';
import { ANNOUNCE_DELAY_SECONDS, type Deps, type EventMessage, type Logger, type WebhookDeps } from './ports';
import { subscribed } from './webhooks';

/** Retries after the first attempt of a round, in seconds (times WEBHOOK_RETRY_SCALE), then `failed`. */
export const RETRY_SCHEDULE_SECONDS = [10, 60, 300, 1800, 7200, 21600, 43200, 86400] as const;

/** An announced event still missing this long after its id was made belongs to a failed commit. */
const MISSING_GRACE_MS = 2 * 60_000;

export const MAX_ERROR_CHARS = 200;

/** `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (Standard Webhooks). */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function signedHeaders(webhook: Webhook, event: CloudEvent, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const secrets = [webhook.secret];
  if (webhook.previousSecret && Date.parse(webhook.previousSecretExpiresAt ?? '') > now.getTime()) secrets.push(webhook.previousSecret);
  return {
    'content-type': 'application/cloudevents+json',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, event.id, timestamp, body)).join(' '),
  };
}

export type DeliveryDeps = Pick<Deps, 'store' | 'clock' | 'ledger' | 'directory'> & WebhookDeps;

/**
 * Work a commit implies beyond itself, driven by its event's announcement (so it survives a
 * process that dies right after the commit, without any scan): the provider's step of a
 * combined acceptance, when the request did not say it was done (`settled`). Idempotent, and
 * safe while the request itself is still doing it. A failure throws: the host tries the message
 * again (maxDequeueCount), then the poison queue.
 */
async function followUp(deps: DeliveryDeps, partnerId: string, event: CloudEvent): Promise<void> {
  if (event.type !== 'invitation.accepted' || !event.data.indirectProviderId) return;
  const stored = await deps.store.invitation(partnerId, String(event.data.id));
  if (stored?.value.status === 'accepted') await completeAcceptance(deps, stored.value);
}

/**
 * One message: what the commit owes the customers' side (src/domain/customerSide.ts), then each
 * event to the webhook. A settled message (released by the request once all was done) with no
 * webhook to deliver to costs one read: the registration.
 */
export async function deliverMessage(deps: DeliveryDeps, message: EventMessage, log?: Logger): Promise<void> {
  const attempt = message.attempt ?? 1;
  const [webhook] = await Promise.all([deps.store.webhook(message.partnerId), attempt === 1 ? completeOwed(deps, message) : undefined]);
  const hook = webhook?.value;
  if (message.settled && (!hook || !hook.enabled)) return;
  for (const id of message.eventIds) await deliverEvent(deps, message, id, hook, log);
}

async function deliverEvent(
  deps: DeliveryDeps,
  message: EventMessage,
  eventId: string,
  hook: Webhook | undefined,
  log?: Logger,
): Promise<void> {
  const { partnerId } = message;
  const attempt = message.attempt ?? 1;
  const [event, state] = await Promise.all([deps.store.event(partnerId, eventId), deps.store.delivery(partnerId, eventId)]);
  const now = deps.clock.now();
  if (!event) {
    // A commit still under way would be odd this late, but costs one more look.
    if (Date.now() - eventIdTime(eventId) < MISSING_GRACE_MS) {
      await deps.queue.send({ partnerId, eventIds: [eventId], attempt }, ANNOUNCE_DELAY_SECONDS);
    }
    return;
  }
  if (attempt === 1 && !state && !message.settled) await followUp(deps, partnerId, event);
  if (!hook || !hook.enabled || !subscribed(hook, event.type)) return;
  const d = state?.value;
  // Delivered, failed (until a redelivery), or this attempt made already: a duplicate message.
  if (d && (d.status !== 'pending' || d.attempts >= attempt)) return;

  const body = JSON.stringify(event);
  const res = await deps.transport.post(hook.url, signedHeaders(hook, event, now, body), body);
  const ok = res.status !== undefined && res.status >= 200 && res.status < 300;

  const roundStart = d?.roundStart ?? 0;
  const roundStartedAt = d?.roundStartedAt && attempt > roundStart + 1 ? d.roundStartedAt : now.toISOString();
  const retry = attempt - roundStart - 1;
  const delay = RETRY_SCHEDULE_SECONDS[retry];
  const next =
    !ok && delay !== undefined ? new Date(Date.parse(roundStartedAt) + delay * deps.webhookSettings.retryScale * 1000) : undefined;

  // The next attempt is enqueued before this one is recorded: a crash in between repeats this
  // attempt (same webhook-id), it never loses the next.
  if (next) {
    const seconds = Math.max(0, Math.ceil((next.getTime() - now.getTime()) / 1000));
    await deps.queue.send({ partnerId, eventIds: [eventId], attempt: attempt + 1 }, seconds);
  }
  const {
    lastStatusCode: _c,
    lastError: _e,
    nextAttemptAt: _n,
    ...kept
  } = d ?? { eventId, type: event.type, status: 'pending' as const, attempts: 0, roundStart: 0 };
  const delivery: Delivery = {
    ...kept,
    status: ok ? 'delivered' : next ? 'pending' : 'failed',
    attempts: attempt,
    roundStart,
    roundStartedAt,
    lastAttemptAt: now.toISOString(),
    ...(res.status !== undefined ? { lastStatusCode: res.status } : {}),
    ...(!ok ? { lastError: (res.error ?? `the receiver answered ${res.status}`).slice(0, MAX_ERROR_CHARS) } : {}),
    lastResponse: res.excerpt,
    ...(next ? { nextAttemptAt: next.toISOString() } : {}),
    ...(ok ? { deliveredAt: now.toISOString() } : {}),
  };
  try {
    await deps.store.commit(partnerId, [{ kind: 'saveDelivery', delivery, version: state?.version }]);
  } catch (err) {
    // Another worker recorded this attempt meanwhile (a duplicate message): its record stands.
    if (!(err instanceof WriteConflict)) throw err;
    log?.warn('deliverEvents: delivery state changed meanwhile', { partnerId, eventId, attempt });
  }
}
