/**
 * Webhook limits (issue 25, items 1 and 6): test events and redeliveries spend a per-partner
 * budget kept in storage (so every instance shares it), answered 429 `rate-limited` with
 * Retry-After beyond it; a redelivery of a pending delivery adds no attempt; the receiver never
 * gets more POSTs for an event than the attempts recorded; every secret of the last 24 h signs,
 * and rotation is limited.
 */
import { describe, expect, it } from 'vitest';
import { buildDeps } from '../../src/deps';
import { RETRY_SCHEDULE_SECONDS } from '../../src/domain/delivery';
import { sendTestEvent } from '../../src/domain/webhooks';
import { AppError } from '../../src/domain/errors';
import { tableStorage } from '../../src/storage';
import { adminOf, call, seedWorld } from '../support/harness';
import { webhookService } from '../support/webhookService';
import { eventually, verifySignature } from '../support/receiver';
import { pool } from '../reliability/support';

const SCALE = 0.0005;
const hooks = webhookService(SCALE);

async function registered(path: string, events = ['invitation.created']) {
  const p = (await seedWorld(hooks.svc.deps)).reseller;
  const r = await call(hooks.svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${hooks.rx.url}${path}`, events } });
  expect(r.status).toBe(201);
  return { p, secret: r.body.secret as string };
}

const deliveryOf = async (p: { id: string }, eventId: string) =>
  ((await call(hooks.svc, 'GET', '/api/webhooks/deliveries', { as: adminOf(p) })).body.items as any[]).find((d) => d.eventId === eventId);

describe('amplification', () => {
  it('200 test events in a burst: 5 accepted, the rest 429 rate-limited with Retry-After; the receiver gets 5 POSTs', async () => {
    const { p } = await registered('/burst');
    const answers = await pool(
      20,
      Array.from({ length: 200 }, () => () => call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) })),
    );
    const ok = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(5);
    // The rest are refused: 429, or (rarely, when a loaded machine's Azurite times a request out)
    // 503 storage-unavailable, which also spends nothing. Nothing else.
    const others = answers.filter((a) => a.status !== 202 && a.status !== 429);
    expect(others.map((a) => `${a.status} ${a.body?.type ?? ''}`).filter((s) => !/^503 .*storage-unavailable$/.test(s))).toEqual([]);
    expect(limited.length).toBeGreaterThanOrEqual(190);
    for (const a of limited.slice(0, 3)) {
      expect(a.body.type).toMatch(/rate-limited$/);
      expect(a.headers.get('content-type')).toContain('application/problem+json');
      const after = Number(a.headers.get('retry-after'));
      expect(after).toBeGreaterThanOrEqual(1);
      expect(after).toBeLessThanOrEqual(60);
    }
    await eventually(() => (hooks.rx.at('/burst').length >= 5 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    expect(hooks.rx.at('/burst')).toHaveLength(5);
    // Another partner's budget is its own.
    const other = await registered('/burst-other');
    expect((await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(other.p) })).status).toBe(202);
  });

  it('the budget is held in storage: two instances share it', async () => {
    const { p } = await registered('/two-instances');
    const other = buildDeps(hooks.svc.deps.config, tableStorage(hooks.svc.deps.config));
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sendTestEvent(i % 2 ? other : hooks.svc.deps, p).then(
          () => 'ok',
          (e: unknown) => (e instanceof AppError ? e.code : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(7);
  });

  it('50 redeliveries of a pending delivery add no attempt; the receiver never gets more POSTs than attempts recorded', async () => {
    const { p } = await registered('/pending');
    hooks.rx.on('/pending', () => ({ status: 503 }));
    const t = await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const eventId = t.body.eventId as string;
    await eventually(async () => ((await deliveryOf(p, eventId))?.attempts >= 1 ? true : undefined));
    const answers = await pool(
      10,
      Array.from({ length: 50 }, () => () => call(hooks.svc, 'POST', `/api/webhooks/deliveries/${eventId}/redeliver`, { as: adminOf(p) })),
    );
    // A pending delivery's redelivery is answered 202 and changes nothing (no budget spent either):
    // attempts keep to the schedule (50 redeliveries made 45 POSTs at once before).
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    await new Promise((r) => setTimeout(r, 1500));
    const d = await deliveryOf(p, eventId);
    const posts = hooks.rx.at('/pending').filter((r) => r.event.id === eventId);
    expect(posts.length).toBeLessThanOrEqual(d.attempts);
    for (let i = 1; i < posts.length; i++) {
      expect(posts[i]!.at - posts[0]!.at, `attempt ${i + 1}`).toBeGreaterThanOrEqual(RETRY_SCHEDULE_SECONDS[i - 1]! * SCALE * 1000 - 25);
    }
    hooks.rx.on('/pending', () => ({ status: 200 }));
  });

  it('redeliveries of a delivered event: 3 per event per hour, and 10 a minute per partner; POSTs never exceed attempts', async () => {
    const { p } = await registered('/delivered');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) })).body.eventId as string);
    for (const id of ids) await eventually(async () => ((await deliveryOf(p, id))?.status === 'delivered' ? true : undefined));
    const [first, ...rest] = ids;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(hooks.svc, 'POST', `/api/webhooks/deliveries/${first}/redeliver`, { as: adminOf(p) });
      statuses.push(r.status);
      if (r.status === 429) expect(r.body.type).toMatch(/rate-limited$/);
      else await eventually(async () => ((await deliveryOf(p, first!))?.status === 'delivered' ? true : undefined));
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    // The partner's minute: 3 spent above, 7 more allowed across its other events, then 429.
    const more: number[] = [];
    for (let i = 0; i < 9; i++) {
      const id = rest[i % rest.length]!;
      await eventually(async () => ((await deliveryOf(p, id))?.status !== 'pending' ? true : undefined));
      more.push((await call(hooks.svc, 'POST', `/api/webhooks/deliveries/${id}/redeliver`, { as: adminOf(p) })).status);
    }
    expect(more.filter((s) => s === 202).length).toBeLessThanOrEqual(7);
    expect(more).toContain(429);
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids) {
      const d = await deliveryOf(p, id);
      expect(hooks.rx.at('/delivered').filter((r) => r.event.id === id).length).toBeLessThanOrEqual(d.attempts);
    }
  });
});

describe('rotation', () => {
  it('every secret of the last 24 h signs after two rotations; a fourth rotation in 24 h is 429', async () => {
    const { p, secret: first } = await registered('/rotations');
    const second = (await call(hooks.svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) })).body.secret as string;
    const third = (await call(hooks.svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) })).body.secret as string;
    const t = await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const hit = await eventually(() => hooks.rx.at('/rotations').find((x) => x.event.id === t.body.eventId));
    const sig = String(hit.headers['webhook-signature']);
    expect(sig.split(' ')).toHaveLength(3);
    for (const s of [first, second, third])
      expect(verifySignature(s, String(hit.headers['webhook-id']), String(hit.headers['webhook-timestamp']), hit.body, sig)).toBe(true);
    expect((await call(hooks.svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) })).status).toBe(200);
    const limited = await call(hooks.svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) });
    expect(limited.status).toBe(429);
    expect(limited.body.type).toMatch(/rate-limited$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
  });
});
