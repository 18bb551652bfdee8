/**
 * Partner webhooks: one registration per partner, its signing secret (shown once, rotated with a
 * 24 h overlap), the test event, the delivery log with redelivery, and the event feed a partner
 * reconciles from. Delivery itself is src/domain/delivery.ts.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, notFound } from './errors';
import { cloudEvent, recordEvent } from './events';
import type { CloudEvent, Delivery, DeliveryStatus, EventType, Page, PageRequest, Partner, Webhook } from './model';
import type { Deps, WebhookDeps } from './ports';
import { retryOnConflict } from './retry';

/** How long the old secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/** The feed shows only events older than this: a commit under way cannot land behind a reader's position. */
export const FEED_SETTLE_MS = 5_000;

export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export const subscribed = (w: Webhook, type: EventType) => type === 'test.created' || w.events.includes('*') || w.events.includes(type);

const noWebhook = () => notFound('No webhook is registered; PUT /api/webhooks registers one.');

/** The same answer for every refused URL: a registration cannot tell what is behind an address. */
export const urlRefused = () =>
  badRequest(
    'The webhook URL is refused: it must be https, and its host must resolve to public addresses only.',
    { url: ['must be https, and its host must resolve to public addresses only'] },
    'webhook-url-refused',
  );

type StoreAndClock = Pick<Deps, 'store' | 'clock'>;

export async function putWebhook(
  deps: StoreAndClock & Pick<WebhookDeps, 'transport'>,
  partner: Partner,
  body: { url: string; events: string[]; enabled: boolean },
): Promise<{ webhook: Webhook; created: boolean }> {
  if (!(await deps.transport.allowed(body.url))) throw urlRefused();
  const events = body.events.includes('*') ? ['*'] : [...new Set(body.events)];
  return retryOnConflict(async () => {
    const current = await deps.store.webhook(partner.id);
    const at = deps.clock.now().toISOString();
    const webhook: Webhook = current
      ? { ...current.value, url: body.url, events, enabled: body.enabled, updatedAt: at }
      : { partnerId: partner.id, url: body.url, events, enabled: body.enabled, secret: newSecret(), createdAt: at, updatedAt: at };
    await deps.store.commit(partner.id, [{ kind: 'saveWebhook', webhook, version: current?.version }]);
    return { webhook, created: !current };
  });
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
    const webhook: Webhook = {
      ...found.value,
      secret: newSecret(),
      previousSecret: found.value.secret,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString(),
      updatedAt: now.toISOString(),
    };
    await deps.store.commit(partner.id, [{ kind: 'saveWebhook', webhook, version: found.version }]);
    return webhook;
  });
}

/** Commits a `test.created` event (delivered like any other); returns its id. */
export async function sendTestEvent(deps: StoreAndClock, partner: Partner): Promise<string> {
  const webhook = await getWebhook(deps, partner);
  const at = deps.clock.now().toISOString();
  const event = cloudEvent(partner.id, 'test.created', at, { message: 'A test event for your webhook.', url: webhook.url }, 'webhooks');
  await deps.store.commit(partner.id, [recordEvent(event)]);
  return event.id;
}

export function listDeliveries(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  query: { status: DeliveryStatus | 'all' } & PageRequest,
): Promise<Page<Delivery>> {
  return deps.store.deliveries(partner.id, { status: query.status }, query);
}

/** Starts a new round of attempts for an event (after `failed`, say); a pending round goes on. */
export async function redeliver(deps: StoreAndClock & Pick<WebhookDeps, 'queue'>, partner: Partner, eventId: string): Promise<void> {
  const [event] = await Promise.all([deps.store.event(partner.id, eventId), getWebhook(deps, partner)]);
  if (!event) throw notFound(`No event ${eventId}.`);
  const attempt = await retryOnConflict(async () => {
    const found = await deps.store.delivery(partner.id, eventId);
    const d = found?.value;
    if (d?.status === 'pending') return d.attempts + 1;
    const now = deps.clock.now().toISOString();
    const delivery: Delivery = {
      ...(d ?? { eventId, type: event.type, attempts: 0 }),
      status: 'pending',
      roundStart: d?.attempts ?? 0,
      roundStartedAt: now,
      nextAttemptAt: now,
    };
    await deps.store.commit(partner.id, [{ kind: 'saveDelivery', delivery, version: found?.version }]);
    return delivery.attempts + 1;
  });
  await deps.queue.send({ partnerId: partner.id, eventIds: [eventId], attempt }, 0);
}

/** The partner's events, oldest first, after a position (an event id): a feed to reconcile from. */
export function listEvents(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  query: { after?: string | undefined } & PageRequest,
): Promise<Page<CloudEvent>> {
  return deps.store.events(partner.id, { after: query.after, settledBefore: new Date(Date.now() - FEED_SETTLE_MS) }, query);
}
