/**
 * Partner webhooks: one registration per partner, its signing secret (shown once, rotated with a
 * 24 h overlap), the test event, the delivery log with redelivery, and the event feed a partner
 * reconciles from. Delivery itself is src/domain/delivery.ts.
 */
import { randomBytes } from 'node:crypto';
import { REDELIVERIES, REDELIVERIES_OF_AN_EVENT, spend, TEST_EVENTS } from './budgets';
import { HEALTHY } from './circuit';
import { badRequest, limited, notFound } from './errors';
import { cloudEvent, recordEvent } from './events';
import type { CloudEvent, Delivery, DeliveryStatus, EventType, Page, PageRequest, Partner, RetiredSecret, Webhook } from './model';
import type { Change, Deps, WebhookDeps } from './ports';
import { retryOnConflict } from './retry';

/** How long a replaced secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/** Replaced secrets signing at once, at most: a rotation beyond it waits for the oldest to lapse. */
export const MAX_RETIRED_SECRETS = 3;

/** The replaced secrets still signing at `now`, oldest first. */
export function retiredSecrets(w: Webhook, now: Date): RetiredSecret[] {
  const legacy = w.previousSecret && w.previousSecretExpiresAt ? [{ secret: w.previousSecret, expiresAt: w.previousSecretExpiresAt }] : [];
  return [...legacy, ...(w.previousSecrets ?? [])].filter((s) => Date.parse(s.expiresAt) > now.getTime());
}

/** Every secret that signs a delivery at `now`: the current one first. */
export const signingSecrets = (w: Webhook, now: Date): string[] => [w.secret, ...retiredSecrets(w, now).map((s) => s.secret)];

/** The feed shows only events older than this: a commit under way cannot land behind a reader's position. */
export const FEED_SETTLE_MS = 5_000;

export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export const subscribed = (w: Webhook, type: EventType) => type === 'test.created' || w.events.includes('*') || w.events.includes(type);

const noWebhook = () => notFound('No webhook is registered; PUT /api/webhooks registers one.');

/** The same answer for every refused URL: a registration cannot tell what is behind an address. */
export const urlRefused = () =>
  badRequest(
    'The webhook URL is refused: it must be https, on port 443 or 1024 and above, and its host must resolve to public addresses only.',
    { url: ['must be https, on port 443 or 1024 and above, and its host must resolve to public addresses only'] },
    'webhook-url-refused',
  );

type StoreAndClock = Pick<Deps, 'store' | 'clock'>;

export async function putWebhook(
  deps: StoreAndClock & Pick<WebhookDeps, 'transport' | 'queue'>,
  partner: Partner,
  body: { url: string; events: string[]; enabled: boolean },
): Promise<{ webhook: Webhook; created: boolean }> {
  if (!(await deps.transport.allowed(body.url))) throw urlRefused();
  const events = body.events.includes('*') ? ['*'] : [...new Set(body.events)];
  const result = await retryOnConflict(async () => {
    const current = await deps.store.webhook(partner.id);
    const at = deps.clock.now().toISOString();
    const webhook: Webhook = current
      ? { ...current.value, url: body.url, events, enabled: body.enabled, updatedAt: at, ...(body.enabled ? { health: HEALTHY } : {}) }
      : { partnerId: partner.id, url: body.url, events, enabled: body.enabled, secret: newSecret(), createdAt: at, updatedAt: at };
    await deps.store.commit(partner.id, [{ kind: 'saveWebhook', webhook, version: current?.version }]);
    return { webhook, created: !current };
  });
  if (body.enabled) await releaseHeld(deps, partner.id);
  return result;
}

/** Queues the held deliveries' attempts again, a page at a time (reads only the held rows). */
export async function releaseHeld(deps: Pick<Deps, 'store'> & Pick<WebhookDeps, 'queue'>, partnerId: string): Promise<void> {
  for (;;) {
    const held = await deps.store.heldDeliveries(partnerId, 100);
    const byAttempt = new Map<number, string[]>();
    for (const h of held) byAttempt.set(h.attempt, [...(byAttempt.get(h.attempt) ?? []), h.eventId]);
    for (const [attempt, eventIds] of byAttempt) await deps.queue.send({ partnerId, eventIds, attempt, released: true }, 0);
    if (held.length) await deps.store.commit(partnerId, [{ kind: 'releaseHeld', eventIds: held.map((h) => h.eventId) }]);
    if (held.length < 100) return;
  }
}

export async function getWebhook(deps: Pick<Deps, 'store'>, partner: Partner): Promise<Webhook> {
  const found = await deps.store.webhook(partner.id);
  if (!found) throw noWebhook();
  return found.value;
}

export async function deleteWebhook(deps: Pick<Deps, 'store'>, partner: Partner): Promise<void> {
  await retryOnConflict(async () => {
    if (!(await deps.store.webhook(partner.id))) throw noWebhook();
    await deps.store.commit(partner.id, [{ kind: 'deleteWebhook' }]);
  });
}

export async function rotateSecret(deps: StoreAndClock, partner: Partner): Promise<Webhook> {
  return retryOnConflict(async () => {
    const found = await deps.store.webhook(partner.id);
    if (!found) throw noWebhook();
    const now = deps.clock.now();
    const retired = retiredSecrets(found.value, now);
    if (retired.length >= MAX_RETIRED_SECRETS) {
      throw limited(
        `At most ${MAX_RETIRED_SECRETS} rotations in 24 hours: every secret of the last 24 hours still signs.`,
        (Date.parse(retired[0]!.expiresAt) - now.getTime()) / 1000,
        'rate-limited',
      );
    }
    const expiresAt = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
    const { previousSecret: _s, previousSecretExpiresAt: _e, ...rest } = found.value;
    const webhook: Webhook = {
      ...rest,
      secret: newSecret(),
      previousSecrets: [...retired, { secret: found.value.secret, expiresAt }],
      updatedAt: now.toISOString(),
    };
    await deps.store.commit(partner.id, [{ kind: 'saveWebhook', webhook, version: found.version }]);
    return webhook;
  });
}

/**
 * Commits a `test.created` event (delivered like any other) within the partner's budget; it
 * re-enables a failing or disabled endpoint (held deliveries go out again). Returns its id.
 */
export async function sendTestEvent(deps: StoreAndClock & Pick<WebhookDeps, 'queue'>, partner: Partner): Promise<string> {
  const { id, reenabled } = await retryOnConflict(async () => {
    const [found, budget] = await Promise.all([deps.store.webhook(partner.id), deps.store.budget(partner.id, 'testEvents')]);
    if (!found) throw noWebhook();
    const now = deps.clock.now();
    const spent = spend(TEST_EVENTS, budget?.value, now);
    const data = { message: 'A test event for your webhook.', url: found.value.url };
    const event = cloudEvent(partner.id, 'test.created', now.toISOString(), data, 'webhooks');
    const unhealthy = (found.value.health?.status ?? 'healthy') !== 'healthy';
    const changes: Change[] = [{ kind: 'saveBudget', name: 'testEvents', spent, version: budget?.version }, recordEvent(event)];
    if (unhealthy) changes.push({ kind: 'saveWebhook', webhook: { ...found.value, health: HEALTHY }, version: found.version });
    await deps.store.commit(partner.id, changes);
    return { id: event.id, reenabled: unhealthy };
  });
  if (reenabled) await releaseHeld(deps, partner.id);
  return id;
}

export function listDeliveries(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  query: { status: DeliveryStatus | 'all' } & PageRequest,
): Promise<Page<Delivery>> {
  return deps.store.deliveries(partner.id, { status: query.status }, query);
}

/**
 * Starts a new round of attempts for an event (after `failed`, say), within the partner's
 * budgets; a pending delivery's round goes on as scheduled (nothing is added or spent).
 */
export async function redeliver(deps: StoreAndClock & Pick<WebhookDeps, 'queue'>, partner: Partner, eventId: string): Promise<void> {
  const [event] = await Promise.all([deps.store.event(partner.id, eventId), getWebhook(deps, partner)]);
  if (!event) throw notFound(`No event ${eventId}.`);
  const attempt = await retryOnConflict(async () => {
    const [found, budget] = await Promise.all([deps.store.delivery(partner.id, eventId), deps.store.budget(partner.id, 'redeliveries')]);
    const d = found?.value;
    if (d?.status === 'pending') return undefined;
    const now = deps.clock.now();
    const redeliveries = spend(REDELIVERIES_OF_AN_EVENT, d?.redeliveries, now);
    const spent = spend(REDELIVERIES, budget?.value, now);
    const delivery: Delivery = {
      ...(d ?? { eventId, type: event.type, attempts: 0 }),
      status: 'pending',
      roundStart: d?.attempts ?? 0,
      roundStartedAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
      redeliveries,
    };
    await deps.store.commit(partner.id, [
      { kind: 'saveBudget', name: 'redeliveries', spent, version: budget?.version },
      { kind: 'saveDelivery', delivery, version: found?.version },
    ]);
    return delivery.attempts + 1;
  });
  if (attempt) await deps.queue.send({ partnerId: partner.id, eventIds: [eventId], attempt }, 0);
}

/** The partner's events, oldest first, after a position (an event id): a feed to reconcile from. */
export function listEvents(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  query: { after?: string | undefined } & PageRequest,
): Promise<Page<CloudEvent>> {
  return deps.store.events(partner.id, { after: query.after, settledBefore: new Date(Date.now() - FEED_SETTLE_MS) }, query);
}
