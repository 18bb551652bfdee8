/**
 * Retention (issue 25, item 7): events and their delivery records older than
 * EVENT_RETENTION_DAYS are removed without scans. A commit that records events notes its
 * partner under the day (a due row); the purge reads only the due rows of days past retention,
 * then only the expired key ranges of those partners. Audit events are kept.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { purgeExpiredEvents } from '../../src/domain/retention';
import { adminOf, call, seedWorld } from '../support/harness';
import { webhookService } from '../support/webhookService';
import { eventually } from '../support/receiver';

const hooks = webhookService(0.001);
const DAY = 86_400_000;

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
    const world = await seedWorld(hooks.svc.deps);
    const p = world.reseller;
    expect((await call(hooks.svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${hooks.rx.url}/retention` } })).status).toBe(
      201,
    );
    const t = await call(hooks.svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const inv = await call(hooks.svc, 'POST', '/api/invitations', {
      as: adminOf(p),
      body: { customer: { companyName: 'Retained', email: 'it@retained.example' } },
    });
    expect(inv.status).toBe(201);
    await eventually(async () =>
      (await hooks.svc.deps.store.delivery(p.id, t.body.eventId))?.value.status === 'delivered' ? true : undefined,
    );
    const events = async (id: string) =>
      (await hooks.svc.deps.store.events(id, { settledBefore: new Date(Date.now() + DAY) }, { pageSize: 100 })).items;
    const before = await events(p.id);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const otherBefore = await events(world.otherReseller.id);

    // Not yet due: 89 days on, nothing is removed.
    const early = await purgeExpiredEvents(hooks.svc.deps, new Date(Date.now() + 89 * DAY), 90);
    expect(early.removed).toBe(0);
    expect(await events(p.id)).toHaveLength(before.length);

    const reads = hooks.svc.roundTrips.length;
    const r = await purgeExpiredEvents(hooks.svc.deps, new Date(Date.now() + 91 * DAY), 90);
    const ops = hooks.svc.roundTrips.slice(reads);
    expect(r.removed).toBeGreaterThanOrEqual(before.length + 1);
    expect(await events(p.id)).toEqual([]);
    expect(await events(world.otherReseller.id)).toEqual([]);
    expect(otherBefore.length).toBeGreaterThan(0);
    expect(await hooks.svc.deps.store.delivery(p.id, t.body.eventId)).toBeUndefined();
    expect(await hooks.svc.deps.store.event(p.id, t.body.eventId)).toBeUndefined();
    // Audit events are the record of what was done: kept.
    const audit = await call(hooks.svc, 'GET', '/api/audit', { as: adminOf(p) });
    expect(audit.body.items.map((e: any) => e.action)).toContain('invitation.created');
    // No scan: one read of the due rows, then a few range reads per partner and day due.
    const queries = ops.filter((op) => op === 'query').length;
    expect(queries).toBeLessThanOrEqual(1 + r.due * 4 + 2);
    // Done once: a second purge finds nothing due.
    const again = await purgeExpiredEvents(hooks.svc.deps, new Date(Date.now() + 91 * DAY), 90);
    expect(again).toEqual({ due: 0, removed: 0 });
  });
});
