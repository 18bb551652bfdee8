/**
 * Retention (issue 25, item 7): events and their delivery records older than
 * EVENT_RETENTION_DAYS are removed without scans. A commit that records events notes its
 * partner under the day (a due row); the purge reads only the due rows of days past retention,
 * then only the expired key ranges of those partners. Audit events are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { purgeExpiredEvents } from '../../src/domain/retention';
import { adminOf, call, seedWorld, startWorld, type Service } from '../support/harness';
import { eventually, Receiver } from '../support/receiver';

let svc: Service;
const rx = new Receiver();
const DAY = 86_400_000;

beforeAll(async () => {
  ({ svc } = await startWorld({ webhooks: { allowPrivateTargets: true, retryScale: 0.001 } }, [], { queues: true }));
  await rx.start();
});
afterAll(async () => {
  await svc.close();
  await rx.close();
});

describe('EVENT_RETENTION_DAYS', () => {
  it('defaults to 90; a bad value stops start-up naming it', () => {
    const env = {
      TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      QUEUES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      PUBLIC_BASE_URL: 'http://localhost:7071',
      INVITATION_SIGNING_KEY: 'k'.repeat(40),
    };
    expect(loadConfig(env).eventRetentionDays).toBe(90);
    expect(loadConfig({ ...env, EVENT_RETENTION_DAYS: '30' }).eventRetentionDays).toBe(30);
    expect(() => loadConfig({ ...env, EVENT_RETENTION_DAYS: '0' })).toThrow(/EVENT_RETENTION_DAYS: must be a whole number/);
  });
});

describe('the purge', () => {
  it('removes events and delivery records past retention, reading only what is due; audit events stay', async () => {
    const world = await seedWorld(svc.deps);
    const p = world.reseller;
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${rx.url}/retention` } })).status).toBe(201);
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(p),
      body: { customer: { companyName: 'Retained', email: 'it@retained.example' } },
    });
    expect(inv.status).toBe(201);
    await eventually(async () => ((await svc.deps.store.delivery(p.id, t.body.eventId))?.value.status === 'delivered' ? true : undefined));
    const events = async (id: string) =>
      (await svc.deps.store.events(id, { settledBefore: new Date(Date.now() + DAY) }, { pageSize: 100 })).items;
    const before = await events(p.id);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const otherBefore = await events(world.otherReseller.id);

    // Not yet due: 89 days on, nothing is removed.
    const early = await purgeExpiredEvents(svc.deps, new Date(Date.now() + 89 * DAY), 90);
    expect(early.removed).toBe(0);
    expect(await events(p.id)).toHaveLength(before.length);

    const reads = svc.roundTrips.length;
    const r = await purgeExpiredEvents(svc.deps, new Date(Date.now() + 91 * DAY), 90);
    const ops = svc.roundTrips.slice(reads);
    expect(r.removed).toBeGreaterThanOrEqual(before.length + 1);
    expect(await events(p.id)).toEqual([]);
    expect(await events(world.otherReseller.id)).toEqual([]);
    expect(otherBefore.length).toBeGreaterThan(0);
    expect(await svc.deps.store.delivery(p.id, t.body.eventId)).toBeUndefined();
    expect(await svc.deps.store.event(p.id, t.body.eventId)).toBeUndefined();
    // Audit events are the record of what was done: kept.
    const audit = await call(svc, 'GET', '/api/audit', { as: adminOf(p) });
    expect(audit.body.items.map((e: any) => e.action)).toContain('invitation.created');
    // No scan: one read of the due rows, then a few range reads per partner and day due.
    const queries = ops.filter((op) => op === 'query').length;
    expect(queries).toBeLessThanOrEqual(1 + r.due * 4 + 2);
    // Done once: a second purge finds nothing due.
    const again = await purgeExpiredEvents(svc.deps, new Date(Date.now() + 91 * DAY), 90);
    expect(again).toEqual({ due: 0, removed: 0 });
  });
});
