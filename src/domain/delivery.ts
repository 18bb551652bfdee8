/**
 * Webhook delivery: the work of one queue message. At least once, deduplicated by event id:
 * the delivery state (one record per event, written with its version) says which attempt was
 * made last, so a message for an attempt already made, or for an event delivered or failed, is
 * dropped. Retries are new messages with a visibility delay (never the host's own retries).
 * An attempt is claimed (recorded) before it is made, so a receiver never gets more POSTs for
 * an event than the attempts recorded, even when two workers hold the same message.
 *
 * Before an attempt: a suspended partner's deliveries, and a disabled endpoint's, are held
 * (released on reactivation or re-enabling); a failing endpoint's wait for its next probe
 * (src/domain/circuit.ts); a partner with DeliverySlots' cap in flight waits in the queue.
 * What waits for its own partner (a slot, a probe) goes on the queue's `waiting` lane, never
 * ahead of other partners' due work: one partner's backlog cannot delay another's events.
 *
 * A message may name events not (yet) committed: every commit announces its events before it
 * is applied, with a delay (see the store), so that a process dying between the commit and the
 * enqueue loses nothing. A worker that finds no such event drops it (the commit failed).
 */
import { createHmac } from 'node:crypto';
import { auditEvent, recordAudit } from './audit';
import { afterAttempt, claimProbe, gate as circuitGate } from './circuit';
import { WriteConflict } from './errors';
import { eventIdTime } from './events';
import { afterCommit, followUp } from './followUp';
import { systemActor, type CloudEvent, type Delivery, type Versioned, type Webhook } from './model';
import {
  ANNOUNCE_DELAY_SECONDS,
  type Change,
  type Deps,
  type EventMessage,
  type Logger,
  type Unchanged,
  type WebhookDeps,
  type WebhookResponse,
} from './ports';
import { retryOnConflict } from './retry';
import { signingSecrets, subscribed } from './webhooks';

/** Retries after the first attempt of a round, in seconds (times WEBHOOK_RETRY_SCALE), then `failed`. */
export const RETRY_SCHEDULE_SECONDS = [10, 60, 300, 1800, 7200, 21600, 43200, 86400] as const;

/** An announced event still missing this long after its id was made belongs to a failed commit. */
const MISSING_GRACE_MS = 2 * 60_000;

/** An attempt claimed this long ago with no outcome recorded was cut off (its process died): longer than an attempt takes. */
export const CLAIM_STALE_MS = 30_000;

/** A partner at its cap of deliveries in flight: its next one waits this long in the queue (doubling per wait, with jitter). */
export const SLOT_WAIT_SECONDS = 5;
/** A partner at its cap whose receiver answers quickly (its slots turn over): 1 to 3 s, spread (whole seconds: the queue's unit). */
export const SLOT_SOON_SECONDS = 1;
export const SLOT_WAIT_MAX_SECONDS = 300;

/** `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (Standard Webhooks). */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function signedHeaders(webhook: Webhook, event: CloudEvent, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/cloudevents+json',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signingSecrets(webhook, now)
      .map((s) => signature(s, event.id, timestamp, body))
      .join(' '),
  };
}

export type DeliveryDeps = Pick<Deps, 'store' | 'clock' | 'ledger' | 'directory' | 'warnings'> & WebhookDeps;

/**
 * What the commit owes after it (src/domain/followUp.ts), then the events of the message side by
 * side: each takes one of the partner's slots or waits in the queue as a message of its own, so a
 * message of many events never holds a worker for long. A settled message (released by the
 * request once all was done) for a partner with no enabled webhook costs one read: the
 * registration (held deliveries wait for the webhook's re-enabling, which releases them).
 */
export async function deliverMessage(deps: DeliveryDeps, message: EventMessage, log?: Logger): Promise<void> {
  const [webhook] = await Promise.all([
    message.settled ? deps.store.webhook(message.partnerId) : undefined,
    (message.attempt ?? 1) === 1 ? afterCommit(deps, message) : undefined,
  ]);
  if (message.settled && !webhook?.value.enabled) return;
  const outcomes = await Promise.allSettled(message.eventIds.map((id) => deliverEvent(deps, message, id, log)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A decision taken on state that changed meanwhile is taken again, a few times. */
async function deliverEvent(deps: DeliveryDeps, message: EventMessage, eventId: string, log?: Logger): Promise<void> {
  const { partnerId, attempt = 1, waits = 0, settled = false, released = false } = message;
  const job = { partnerId, eventId, attempt, waits, settled, released };
  for (let i = 0; i < 5; i++) if ((await deliverOnce(deps, job, log)) === 'done') return;
  throw new WriteConflict('version', `deliverEvents: ${partnerId}/${eventId} kept changing`);
}

interface Job {
  partnerId: string;
  eventId: string;
  attempt: number;
  /** Waits for a slot so far. */
  waits: number;
  /** The commit's own work is done (its request said so): nothing follows up but held deliveries. */
  settled: boolean;
  /** Released from a hold: decided on storage, whatever this instance remembers of a failing endpoint. */
  released: boolean;
}

/**
 * The job put back on the queue's waiting lane, as what it is (its commit's work done, released
 * from a hold), visible after `seconds` (whole seconds, at least one: the queue's unit).
 */
async function wait(deps: DeliveryDeps, job: Job, seconds: number, waits?: number): Promise<'done'> {
  const { partnerId, eventId, attempt, settled, released } = job;
  const message: EventMessage = {
    partnerId,
    eventIds: [eventId],
    attempt,
    ...(waits !== undefined ? { waits } : {}),
    ...(settled ? { settled } : {}),
    ...(released ? { released } : {}),
  };
  await deps.queue.send(message, Math.max(1, Math.ceil(seconds)), 'waiting');
  return 'done';
}

/**
 * One attempt's decision, in one of the partner's slots. Without a free slot, or while the
 * partner's endpoint waits for its next probe, it waits in the queue having read nothing: 1 to
 * 3 s while the partner's receiver answers quickly, else each wait for a slot longer
 * than the last, up to SLOT_WAIT_MAX_SECONDS.
 */
async function deliverOnce(deps: DeliveryDeps, job: Job, log?: Logger): Promise<'done' | 'again'> {
  const { partnerId, waits, released } = job;
  const paused = released ? undefined : deps.slots.pausedUntil(partnerId);
  const slot = paused ? 'later' : await deps.slots.take(partnerId);
  if (typeof slot !== 'function') {
    const seconds = paused
      ? (paused.getTime() - Date.now()) / 1000
      : slot === 'soon'
        ? SLOT_SOON_SECONDS * 3 * Math.random()
        : Math.min(SLOT_WAIT_MAX_SECONDS, SLOT_WAIT_SECONDS * 2 ** waits) * (1 + Math.random());
    return wait(deps, job, seconds, slot === 'soon' ? waits : waits + 1);
  }
  try {
    return await decide(deps, job, log);
  } finally {
    slot();
  }
}

async function decide(deps: DeliveryDeps, job: Job, log?: Logger): Promise<'done' | 'again'> {
  const { partnerId, eventId, attempt } = job;
  const [event, webhook, state, record] = await Promise.all([
    deps.store.event(partnerId, eventId),
    deps.store.webhook(partnerId),
    deps.store.delivery(partnerId, eventId),
    deps.store.partnerRecord(partnerId),
  ]);
  const now = deps.clock.now();
  // Waiting for this partner's own state (a probe, a claim under way, its commit).
  const later = (seconds: number) => wait(deps, job, seconds);
  if (!event) {
    // A commit still under way would be odd this late, but costs one more look.
    if (Date.now() - eventIdTime(eventId) < MISSING_GRACE_MS) await later(ANNOUNCE_DELAY_SECONDS);
    return 'done';
  }
  if (attempt === 1 && !state) await followUp(deps, partnerId, event, job.settled);
  const hook = webhook?.value;
  if (!webhook || !hook || !hook.enabled || !subscribed(hook, event.type)) return 'done';
  const d = state?.value;
  // Delivered or failed (until a redelivery): a duplicate message.
  if (d && d.status !== 'pending') return 'done';
  if (d && d.attempts >= attempt) {
    // This attempt is claimed: made, or under way, or cut off before its outcome was recorded.
    if (d.attempts !== attempt || !d.claimedAt) return 'done';
    const age = now.getTime() - Date.parse(d.claimedAt);
    if (age < CLAIM_STALE_MS) return later((CLAIM_STALE_MS - age) / 1000);
    await recordOutcome(deps, job, { value: d, version: state.version }, { error: 'timeout', excerpt: '' }, log);
    return 'done';
  }
  if (record?.value.status === 'suspended') return hold(deps, job, event, state, { kind: 'partner', record });
  const gate = circuitGate(hook.health, now);
  if ('hold' in gate) return hold(deps, job, event, state, { kind: 'webhook', webhook });
  if ('waitUntil' in gate) {
    deps.slots.pause(partnerId, gate.waitUntil);
    return later((gate.waitUntil.getTime() - now.getTime()) / 1000);
  }
  // Open (healthy again, or a probe is due): this instance's other waiting deliveries go on too.
  deps.slots.resume(partnerId);

  if (hook.health?.status === 'failing') {
    // One probe at a time: the next waits its turn.
    const probing = { ...hook, health: claimProbe(hook.health, now, deps.webhookSettings.retryScale) };
    if (!(await commitOrConflict(deps, partnerId, [{ kind: 'saveWebhook', webhook: probing, version: webhook.version }]))) return 'again';
  }
  return makeAttempt(deps, job, event, hook, state, log);
}

/** Claims the attempt (recorded before it is made: of two workers with the same message, one posts), makes it, records it. */
async function makeAttempt(
  deps: DeliveryDeps,
  job: Job,
  event: CloudEvent,
  hook: Webhook,
  state: Versioned<Delivery> | undefined,
  log?: Logger,
): Promise<'done'> {
  const { partnerId, eventId, attempt } = job;
  const d = state?.value;
  const now = deps.clock.now();
  const roundStart = d?.roundStart ?? 0;
  const { held: _h, nextAttemptAt: _n, ...kept } = d ?? { eventId, type: event.type, status: 'pending' as const, attempts: 0, roundStart };
  const claimed: Delivery = {
    ...kept,
    attempts: attempt,
    roundStart,
    roundStartedAt: d?.roundStartedAt && attempt > roundStart + 1 ? d.roundStartedAt : now.toISOString(),
    lastAttemptAt: now.toISOString(),
    claimedAt: now.toISOString(),
  };
  const versions = await commitOrConflict(deps, partnerId, [{ kind: 'saveDelivery', delivery: claimed, version: state?.version }]);
  if (!versions?.[0]) return 'done';
  const body = JSON.stringify(event);
  const res = await deps.transport.post(hook.url, signedHeaders(hook, event, now, body), body);
  await recordOutcome(deps, job, { value: claimed, version: versions[0] }, res, log);
  return 'done';
}

/** Commits, or answers undefined when a version no longer matches (someone else acted). */
async function commitOrConflict(deps: DeliveryDeps, partnerId: string, changes: Change[]): Promise<(string | undefined)[] | undefined> {
  try {
    return await deps.store.commit(partnerId, changes);
  } catch (err) {
    if (err instanceof WriteConflict) return undefined;
    throw err;
  }
}

/** Holds the attempt (nothing is lost: a release queues it again), if what it was decided on is unchanged. */
async function hold(
  deps: DeliveryDeps,
  job: Job,
  event: CloudEvent,
  state: Versioned<Delivery> | undefined,
  unchanged: Unchanged,
): Promise<'done' | 'again'> {
  const { nextAttemptAt: _n, ...kept } = state?.value ?? {
    eventId: job.eventId,
    type: event.type,
    status: 'pending' as const,
    attempts: 0,
    roundStart: 0,
  };
  const changes: Change[] = [
    { kind: 'saveDelivery', delivery: { ...kept, held: true }, version: state?.version },
    { kind: 'holdDelivery', held: { eventId: job.eventId, attempt: job.attempt }, unchanged },
  ];
  return (await commitOrConflict(deps, job.partnerId, changes)) ? 'done' : 'again';
}

/**
 * Records a claimed attempt's outcome, the next attempt enqueued first (a crash in between
 * repeats nothing: the claim stands, and the next attempt is queued), then the endpoint's health.
 */
async function recordOutcome(
  deps: DeliveryDeps,
  job: Job,
  claimed: Versioned<Delivery>,
  res: WebhookResponse,
  log?: Logger,
): Promise<void> {
  const { partnerId, eventId, attempt } = job;
  const now = deps.clock.now();
  const ok = res.status !== undefined && res.status >= 200 && res.status < 300;
  const d = claimed.value;
  const delay = RETRY_SCHEDULE_SECONDS[attempt - d.roundStart - 1];
  const next =
    !ok && delay !== undefined
      ? new Date(Date.parse(d.roundStartedAt ?? now.toISOString()) + delay * deps.webhookSettings.retryScale * 1000)
      : undefined;
  if (next) {
    const seconds = Math.max(0, Math.ceil((next.getTime() - now.getTime()) / 1000));
    await deps.queue.send({ partnerId, eventIds: [eventId], attempt: attempt + 1 }, seconds);
  }
  const { lastStatusCode: _c, lastError: _e, claimedAt: _a, ...kept } = d;
  const delivery: Delivery = {
    ...kept,
    status: ok ? 'delivered' : next ? 'pending' : 'failed',
    ...(res.status !== undefined ? { lastStatusCode: res.status } : {}),
    ...(!ok ? { lastError: res.error ?? `http-${res.status}` } : {}),
    lastResponse: res.excerpt,
    ...(next ? { nextAttemptAt: next.toISOString() } : {}),
    ...(ok ? { deliveredAt: now.toISOString() } : {}),
  };
  if (!(await commitOrConflict(deps, partnerId, [{ kind: 'saveDelivery', delivery, version: claimed.version }]))) {
    log?.warn('deliverEvents: delivery state changed meanwhile', { partnerId, eventId, attempt });
  }
  await noteHealth(deps, partnerId, ok);
}

/** The endpoint's circuit after an attempt; disabling it is audited and leaves an event in the feed. */
async function noteHealth(deps: DeliveryDeps, partnerId: string, ok: boolean): Promise<void> {
  await retryOnConflict(async () => {
    const found = await deps.store.webhook(partnerId);
    if (!found) return;
    const now = deps.clock.now();
    const health = afterAttempt(found.value.health, ok, now, deps.webhookSettings.retryScale);
    if (!health) return;
    const webhook: Webhook = { ...found.value, health };
    const changes: Change[] = [{ kind: 'saveWebhook', webhook, version: found.version }];
    if (health.status === 'disabled' && found.value.health?.status !== 'disabled') {
      const details = { failingSince: health.failingSince, consecutiveFailures: health.consecutiveFailures };
      changes.push(recordAudit(auditEvent(partnerId, 'webhook.disabled', systemActor(partnerId), now, { details })));
    }
    await deps.store.commit(partnerId, changes);
  });
}
