/** The outbox and the delivery worker over the memory adapters: what each commit writes and announces. */
import { describe, expect, it, vi } from 'vitest';
import { auditEvent, recordAudit } from '../../src/domain/audit';
import { deliverMessage, signature, RETRY_SCHEDULE_SECONDS, SLOT_SOON_SECONDS, SLOT_WAIT_SECONDS } from '../../src/domain/delivery';
import { UnavailableError, WriteConflict } from '../../src/domain/errors';
import { eventIdPrefix, eventIdTime, newEventId } from '../../src/domain/events';
import type { Invitation } from '../../src/domain/model';
import type { WebhookResponse } from '../../src/domain/ports';
import { MAX_IN_FLIGHT_PER_PARTNER, MemorySlots } from '../../src/webhooks/slots';
import { HEALTHY } from '../../src/domain/circuit';
import { memoryStorage } from '../../src/storage';
import { EVENT } from '../../src/storage/layout';

const P = '00000000-0000-4000-8000-000000000001';
const actor = { id: 'u', name: 'u', tenantId: P };

function invitation(id: string): Invitation {
  const at = new Date().toISOString();
  return {
    id,
    partnerId: P,
    partnerName: 'P',
    kind: 'reseller',
    customer: { companyName: 'C', email: 'c@c.example' },
    status: 'pending',
    nonce: 'SECRET-NONCE',
    expiresAt: at,
    locale: 'en',
    email: { status: 'notSent' },
    createdAt: at,
    createdBy: actor,
  };
}

const create = (id: string) => [
  { kind: 'createInvitation' as const, invitation: invitation(id) },
  recordAudit(auditEvent(P, 'invitation.created', actor, new Date(), { invitationId: id })),
];

const eventRows = async (s: ReturnType<typeof memoryStorage>) => s.rows.range('data', P, { from: EVENT, to: `${EVENT}\uffff`, limit: 100 });

describe('the outbox', () => {
  it('writes one event per audit event in the same commit, announced before and released after', async () => {
    const s = memoryStorage();
    await s.store.commit(P, create('inv-1'));
    const rows = await eventRows(s);
    expect(rows).toHaveLength(1);
    const event = JSON.parse(String(rows[0]!.data.doc));
    expect(event).toMatchObject({ specversion: '1.0', type: 'invitation.created', source: `/partners/${P}`, subject: 'invitations/inv-1' });
    expect(event.data.id).toBe('inv-1');
    expect(event.data.nonce).toBeUndefined();
    expect(s.queue.messages).toHaveLength(1);
    // Released once the commit is made, marked settled: nothing owed after it but the delivery.
    expect(s.queue.messages[0]!.message).toEqual({ partnerId: P, eventIds: [event.id], settled: true });
    expect(s.queue.messages[0]!.visibleAt).toBeLessThanOrEqual(Date.now());
  });

  it('a failed commit writes no event and withdraws its announcement', async () => {
    const s = memoryStorage();
    await s.store.commit(P, create('inv-2'));
    s.queue.messages.length = 0;
    await expect(s.store.commit(P, create('inv-2'))).rejects.toBeInstanceOf(WriteConflict);
    expect(await eventRows(s)).toHaveLength(1);
    expect(s.queue.messages).toHaveLength(0);
  });

  it('when the queue cannot be reached, nothing is committed (no event could be lost)', async () => {
    const s = memoryStorage();
    s.queue.send = () => Promise.reject(new UnavailableError('queue down'));
    await expect(s.store.commit(P, create('inv-3'))).rejects.toBeInstanceOf(UnavailableError);
    expect(await s.store.invitation(P, 'inv-3')).toBeUndefined();
  });

  it('when the release fails, the change stands and the delayed announcement remains', async () => {
    const s = memoryStorage();
    s.queue.release = () => Promise.reject(new Error('lost'));
    await s.store.commit(P, create('inv-4'));
    expect(await s.store.invitation(P, 'inv-4')).toBeDefined();
    expect(s.queue.messages).toHaveLength(1);
    expect(s.queue.messages[0]!.visibleAt - Date.now()).toBeGreaterThan(25_000);
  });

  it('event ids are time-ordered and in order within a millisecond', () => {
    const ids = Array.from({ length: 500 }, () => newEventId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
    expect(eventIdTime(newEventId(1_900_000_000_000))).toBe(1_900_000_000_000);
  });
});

describe('the delivery worker', () => {
  function setup() {
    const s = memoryStorage();
    const posts: { url: string; headers: Record<string, string>; body: string }[] = [];
    let answer: WebhookResponse = { status: 200, excerpt: 'ok' };
    const deps = {
      store: s.store,
      ledger: s.ledger,
      warnings: s.warnings,
      directory: s.directory,
      clock: { now: () => new Date() },
      queue: s.queue,
      webhookSettings: { retryScale: 1 },
      slots: new MemorySlots(),
      transport: {
        allowed: () => Promise.resolve(true),
        post: (url: string, headers: Record<string, string>, body: string) => {
          posts.push({ url, headers, body });
          return Promise.resolve(answer);
        },
      },
    };
    const webhook = {
      partnerId: P,
      url: 'https://receiver.example/hook',
      events: ['*'],
      enabled: true,
      secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
      createdAt: '',
      updatedAt: '',
    };
    return { s, deps, posts, webhook, answer: (a: WebhookResponse) => (answer = a) };
  }

  it('drops an announcement whose commit never happened (once it is old), and looks again while it is young', async () => {
    const { s, deps, posts, webhook } = setup();
    await s.store.commit(P, [{ kind: 'saveWebhook', webhook }]);
    await deliverMessage(deps, { partnerId: P, eventIds: [`${eventIdPrefix(Date.now() - 10 * 60_000)}-7000-8000-000000000000`] });
    expect(s.queue.messages).toHaveLength(0);
    const young = newEventId();
    await deliverMessage(deps, { partnerId: P, eventIds: [young] });
    expect(s.queue.messages.map((m) => m.message)).toEqual([{ partnerId: P, eventIds: [young], attempt: 1 }]);
    // It waits for its own partner's commit: on the waiting lane.
    expect(s.queue.messages.map((m) => m.lane)).toEqual(['waiting']);
    expect(posts).toHaveLength(0);
  });

  it("a partner at its cap waits on the waiting lane (never ahead of others' due work); a retry is due work", async () => {
    const { s, deps, posts, webhook, answer } = setup();
    await s.store.commit(P, [{ kind: 'saveWebhook', webhook }, ...create('inv-cap')]);
    const msg = s.queue.take()[0]!;
    // The cap in use by attempts that began long ago (they hang): no short wait for a slot.
    vi.useFakeTimers({ now: Date.now() - 60_000, toFake: ['Date'] });
    await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_PARTNER }, () => deps.slots.take(P)));
    vi.useRealTimers();
    await deliverMessage(deps, msg);
    expect(posts).toHaveLength(0);
    const waiting = s.queue.messages.at(-1)!;
    expect(waiting).toMatchObject({ lane: 'waiting', message: { partnerId: P, eventIds: msg.eventIds, attempt: 1, waits: 1 } });
    expect((waiting.visibleAt - Date.now()) / 1000).toBeGreaterThanOrEqual(SLOT_WAIT_SECONDS - 1);

    // A receiver that answers quickly but whose waiters are all taken: 1 to 3 s, the waits not counted.
    const answersQuickly = new (class extends MemorySlots {
      override take() {
        return Promise.resolve('soon' as const);
      }
    })();
    const busy = { ...deps, slots: answersQuickly };
    await deliverMessage(busy, waiting.message);
    const soon = s.queue.messages.at(-1)!;
    expect(soon).toMatchObject({ lane: 'waiting', message: { waits: 1 } });
    expect((soon.visibleAt - Date.now()) / 1000).toBeLessThanOrEqual(3 * SLOT_SOON_SECONDS);

    answer({ status: 503, excerpt: 'busy' });
    await deliverMessage({ ...deps, slots: new MemorySlots() }, waiting.message);
    expect(posts).toHaveLength(1);
    expect(s.queue.messages.at(-1)).toMatchObject({ lane: 'due', message: { attempt: 2 } });
  });

  it('signs, records the attempt, and drops a duplicate message of the same attempt', async () => {
    const { s, deps, posts, webhook } = setup();
    await s.store.commit(P, [{ kind: 'saveWebhook', webhook }, ...create('inv-5')]);
    const msg = s.queue.take()[0]!;
    await deliverMessage(deps, msg);
    await deliverMessage(deps, msg);
    expect(posts).toHaveLength(1);
    const h = posts[0]!.headers;
    expect(h['webhook-signature']).toBe(signature(webhook.secret, h['webhook-id']!, Number(h['webhook-timestamp']), posts[0]!.body));
    expect((await s.store.delivery(P, msg.eventIds[0]!))?.value).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('schedules the next attempt from the round start, then fails after the last', async () => {
    const { s, deps, posts, webhook, answer } = setup();
    answer({ status: 503, excerpt: 'busy' });
    await s.store.commit(P, [{ kind: 'saveWebhook', webhook }, ...create('inv-6')]);
    const first = s.queue.take()[0]!;
    const id = first.eventIds[0]!;
    await deliverMessage(deps, first);
    const next = s.queue.messages.at(-1)!;
    expect(next.message).toEqual({ partnerId: P, eventIds: [id], attempt: 2 });
    expect((next.visibleAt - Date.now()) / 1000).toBeGreaterThan(RETRY_SCHEDULE_SECONDS[0] - 2);
    for (let attempt = 2; attempt <= RETRY_SCHEDULE_SECONDS.length + 1; attempt++) {
      // The endpoint's circuit (which would make the later attempts wait for a probe) is tested apart.
      const w = (await s.store.webhook(P))!;
      await s.store.commit(P, [{ kind: 'saveWebhook', webhook: { ...w.value, health: HEALTHY }, version: w.version }]);
      await deliverMessage(deps, { partnerId: P, eventIds: [id], attempt });
    }
    expect(posts).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    const d = (await s.store.delivery(P, id))!.value;
    expect(d).toMatchObject({ status: 'failed', attempts: 9, lastStatusCode: 503, lastError: 'http-503' });
    // The last retry is 24 h after the first attempt.
    expect(s.queue.messages.at(-1)!.visibleAt - Date.parse(d.roundStartedAt!)).toBeGreaterThan(86_390_000);
  });
});
