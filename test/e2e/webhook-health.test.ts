/**
 * Endpoint health and suspension (issue 25, items 2 and 3), end to end on Azurite through the
 * local runner and its queue poller: a failing endpoint is shown `failing` and backs off, a
 * test event closes its circuit; failing for "days" (the retry scale shrinks them) it is
 * `disabled` with an event in the feed, its deliveries held until `PUT enabled: true`; a
 * suspended partner's deliveries are held and go out after reactivation.
 */
import { describe, expect, it } from 'vitest';
import { DISABLED_AFTER_MS } from '../../src/domain/circuit';
import type { Partner } from '../../src/domain/model';
import { putPartner, SEED_ACTOR } from '../../src/domain/operator';
import { adminOf, call, seedWorld } from '../support/harness';
import { webhookService } from '../support/webhookService';
import { eventually } from '../support/receiver';

/** Three days of failure last 13 s here; the last retry of a round comes 4.3 s after its first attempt. */
const SCALE = 0.00005;
const hooks = webhookService(SCALE);

async function registered(path: string) {
  const p = (await seedWorld(hooks.svc.deps)).reseller;
  const r = await call(hooks.svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${hooks.rx.url}${path}` } });
  expect(r.status).toBe(201);
  return p;
}

async function invite(p: Partner, i: number): Promise<string> {
  const r = await call(hooks.svc, 'POST', '/api/invitations', {
    as: adminOf(p),
    body: { customer: { companyName: `Health ${i}`, email: `it${i}@health.example` } },
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const health = async (p: Partner) => (await call(hooks.svc, 'GET', '/api/webhooks', { as: adminOf(p) })).body.health;
const subjects = (path: string) => new Set(hooks.rx.at(path).map((r) => String(r.event.subject)));

describe('the circuit', () => {
  it('a healthy endpoint says so', async () => {
    const p = await registered('/healthy');
    expect(await health(p)).toEqual({ status: 'healthy', consecutiveFailures: 0 });
  });

  it('5 failures in a row: failing (with failingSince), deliveries back off; a test event closes it and they go out', async () => {
    const p = await registered('/failing');
    hooks.rx.on('/failing', () => ({ status: 500 }));
    for (let i = 0; i < 6; i++) await invite(p, i);
    const failing = await eventually(async () => {
      const h = await health(p);
      return h?.status === 'failing' ? h : undefined;
    });
    expect(failing.consecutiveFailures).toBeGreaterThanOrEqual(5);
    expect(Date.parse(failing.failingSince)).toBeLessThanOrEqual(Date.now());
    // Backing off: one probe at a time, never a burst of every due delivery.
    const before = hooks.rx.at('/failing').length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(hooks.rx.at('/failing').length - before).toBeLessThan(12);

    hooks.rx.on('/failing', () => ({ status: 200 }));
    const t = await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    expect(t.status).toBe(202);
    // (An attempt under way when it closed may still count one failure.)
    expect((await health(p)).status).toBe('healthy');
    await eventually(() => (hooks.rx.at('/failing').some((r) => r.event.id === t.body.eventId) ? true : undefined));
  });

  it('failing for days: disabled, with webhook.disabled in the feed; deliveries held, not lost; PUT enabled: true sends them', async () => {
    const p = await registered('/disabled');
    hooks.rx.on('/disabled', () => ({ status: 503 }));
    const ids: string[] = [];
    const deadline = Date.now() + DISABLED_AFTER_MS * SCALE + 20_000;
    let h: any;
    for (let i = 0; Date.now() < deadline; i++) {
      ids.push(await invite(p, i));
      h = await health(p);
      if (h.status === 'disabled') break;
      await new Promise((r) => setTimeout(r, 700));
    }
    expect(h).toMatchObject({ status: 'disabled' });
    expect(h.consecutiveFailures).toBeGreaterThanOrEqual(5);
    const feed = await eventually(
      async () => {
        const items = (await call(hooks.svc, 'GET', '/api/events?pageSize=200', { as: adminOf(p) })).body.items as any[];
        return items.some((e) => e.type === 'webhook.disabled') ? items : undefined;
      },
      15_000,
      'webhook.disabled in the feed',
    );
    const disabled = feed.find((e) => e.type === 'webhook.disabled');
    expect(disabled).toMatchObject({ subject: 'webhooks', source: `/partners/${p.id}` });
    expect(disabled.data).toMatchObject({ url: `${hooks.rx.url}/disabled`, health: { status: 'disabled' } });
    expect(JSON.stringify(disabled)).not.toContain('whsec_');
    // Held: new events are not posted.
    hooks.rx.on('/disabled', () => ({ status: 200 }));
    const posted = hooks.rx.at('/disabled').length;
    ids.push(await invite(p, 100), await invite(p, 101));
    await new Promise((r) => setTimeout(r, 1500));
    expect(hooks.rx.at('/disabled').length).toBe(posted);
    const log = (await call(hooks.svc, 'GET', '/api/webhooks/deliveries?status=pending&pageSize=200', { as: adminOf(p) })).body
      .items as any[];
    expect(log.length).toBeGreaterThanOrEqual(2);

    const put = await call(hooks.svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${hooks.rx.url}/disabled`, enabled: true } });
    expect(put.status).toBe(200);
    expect(put.body.health).toEqual({ status: 'healthy', consecutiveFailures: 0 });
    // The held events go out now (all at once: the slots of a receiver that answers are handed
    // over, none waits seconds in the queue); the feed has every event, those whose rounds failed included.
    const released = Date.now();
    for (const id of ids.slice(-2)) {
      await eventually(() => (subjects('/disabled').has(`invitations/${id}`) ? true : undefined), 5_000, `invitations/${id}`);
    }
    expect(Date.now() - released).toBeLessThan(5_000);
    const all = (await call(hooks.svc, 'GET', '/api/events?pageSize=200', { as: adminOf(p) })).body.items as any[];
    for (const id of ids.slice(0, -2)) expect(all.some((e) => e.subject === `invitations/${id}`)).toBe(true);
  }, 150_000);
});

describe('suspension', () => {
  it("a suspended partner's deliveries are held, then go out after reactivation", async () => {
    const p = await registered('/suspended');
    const record = { name: p.name, kind: p.kind, indirectProviderIds: p.indirectProviderIds };
    await putPartner(hooks.svc.deps, SEED_ACTOR, p.id, { ...record, status: 'suspended' });
    await new Promise((r) => setTimeout(r, 2000));
    // The partner.suspended event (customer data in others) is not posted while suspended.
    expect(hooks.rx.at('/suspended').map((r) => r.event.type)).not.toContain('partner.suspended');
    const pending = await hooks.svc.deps.store.deliveries(p.id, { status: 'pending' }, { pageSize: 10 });
    expect(pending.items.map((d) => d.type)).toContain('partner.suspended');
    await putPartner(hooks.svc.deps, SEED_ACTOR, p.id, { ...record, status: 'active' });
    await eventually(
      () => {
        const types = hooks.rx.at('/suspended').map((r) => r.event.type);
        return types.includes('partner.suspended') && types.includes('partner.reactivated') ? true : undefined;
      },
      15_000,
      'the held event and the reactivation',
    );
    expect(hooks.rx.at('/suspended').filter((r) => r.event.type === 'partner.suspended')).toHaveLength(1);
  });
});
