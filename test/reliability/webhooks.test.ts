/**
 * Webhook delivery under load and across a crash: 200 concurrent changes across 20 partners,
 * each delivered to its own partner's receiver (duplicates only with the same webhook-id); and a
 * service process killed (SIGKILL) right after an accept is acknowledged, started again on the
 * same storage: the event is delivered.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/model';
import { freePort } from '../../src/local/azurite';
import { adminOf, call, customerAdmin, seedWorld, startWorld, type Service } from '../support/harness';
import { localEnv, ready, START, startLocalProcess } from '../support/localProcess';
import { eventually, Receiver, signedBy } from '../support/receiver';
import { checkStorage, pool, report } from './support';

let svc: Service;
const rx = new Receiver();

beforeAll(async () => {
  ({ svc } = await startWorld({ webhooks: { allowPrivateTargets: true, retryScale: 0.001 } }, [], { queues: true }));
  await rx.start();
});
afterAll(async () => {
  await svc.close();
  await rx.close();
});

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

describe('load', () => {
  it('200 concurrent changes across 20 partners: each event once to its own partner (same webhook-id if twice), none to another', async () => {
    const partners: Partner[] = [];
    for (let i = 0; i < 10; i++) {
      const w = await seedWorld(svc.deps);
      partners.push(w.reseller, w.otherReseller);
    }
    const secrets = new Map<string, string>();
    for (const p of partners) {
      const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${rx.url}/load/${p.id}` } });
      expect(r.status).toBe(201);
      secrets.set(p.id, r.body.secret);
    }
    const started = Date.now();
    const created = await pool(
      40,
      Array.from({ length: 200 }, (_, i) => async () => {
        const p = partners[i % partners.length]!;
        const r = await call(svc, 'POST', '/api/invitations', {
          as: adminOf(p),
          body: { customer: { companyName: `Load ${i}`, email: `it${i}@load.example` } },
        });
        expect(r.status).toBe(201);
        return { partnerId: p.id, invitationId: r.body.id as string };
      }),
    );
    const acknowledged = Date.now() - started;
    const want = new Set(created.map((c) => `${c.partnerId}|invitations/${c.invitationId}`));
    const got = () => new Set(rx.received.filter((r) => r.path.startsWith('/load/')).map((r) => `${r.path.slice(6)}|${r.event.subject}`));
    await eventually(() => ([...want].every((k) => got().has(k)) ? true : undefined), 60_000, 'every event delivered');
    const allDelivered = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1000));

    const hits = rx.received.filter((r) => r.path.startsWith('/load/'));
    const byId = new Map<string, string>();
    for (const h of hits) {
      const owner = h.path.slice('/load/'.length);
      // Its own partner's event, signed with its own partner's secret.
      expect(h.event.source).toBe(`/partners/${owner}`);
      expect(h.eventError).toBeUndefined();
      expect(signedBy(h, secrets.get(owner)!)).toBe(true);
      // A duplicate is the same event: same id, same body.
      if (byId.has(h.event.id)) expect(h.body).toBe(byId.get(h.event.id));
      byId.set(h.event.id, h.body);
    }
    expect(byId.size).toBe(200);
    expect(got()).toEqual(want);
    const latencies = hits.map((h) => h.at - Date.parse(h.event.time));
    report('webhooks-load', {
      partners: partners.length,
      changes: 200,
      deliveries: hits.length,
      duplicates: hits.length - byId.size,
      acknowledgedMs: acknowledged,
      allDeliveredMs: allDelivered,
      p50CommitToReceiptMs: percentile(latencies, 50),
      p95CommitToReceiptMs: percentile(latencies, 95),
      maxCommitToReceiptMs: Math.max(...latencies),
    });
    expect(
      await checkStorage(
        svc.rows,
        partners.map((p) => p.id),
      ),
    ).toEqual([]);
  }, 120_000);
});

describe.skipIf(!existsSync(START))('crash', () => {
  it('the service is SIGKILLed right after an accept is acknowledged and started again on the same storage: the events are delivered', async () => {
    const w = await seedWorld(svc.deps);
    const port = await freePort();
    const receiverPort = await freePort();
    const env = localEnv(port, { WEBHOOK_RETRY_SCALE: '0.001' });
    const base = { url: `http://localhost:${port}` };
    const first = startLocalProcess(env);
    let second: ReturnType<typeof startLocalProcess> | undefined;
    // The receiver is down while the first process lives: only the restarted one can deliver.
    const back = new Receiver();
    try {
      await ready(first);
      const put = await call(base, 'PUT', '/api/webhooks', {
        as: adminOf(w.reseller),
        body: { url: `http://127.0.0.1:${receiverPort}/crash`, events: ['invitation.accepted', 'relationship.established'] },
      });
      expect(put.status).toBe(201);
      const inv = await call(base, 'POST', '/api/invitations', {
        as: adminOf(w.reseller),
        body: { customer: { companyName: 'Crash Ltd', email: 'it@crash.example' } },
      });
      const accepted = await call(base, 'POST', new URL(inv.body.url).pathname, { as: customerAdmin(), body: { decision: 'accept' } });
      expect(accepted.status).toBe(200);
      first.child.kill('SIGKILL');
      await first.exited;

      await back.start(receiverPort);
      const t0 = Date.now();
      second = startLocalProcess(env);
      await ready(second);
      await eventually(
        () => (new Set(back.at('/crash').map((r) => r.event.type)).size === 2 ? true : undefined),
        60_000,
        'both events after the restart',
      );
      for (const r of back.at('/crash')) {
        expect(r.eventError).toBeUndefined();
        expect(signedBy(r, put.body.secret)).toBe(true);
      }
      report('webhooks-crash', { deliveredAfterRestartMs: Date.now() - t0, deliveries: back.received.length });
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGINT');
      await Promise.all([first.exited, second?.exited]);
      await back.close();
    }
  }, 120_000);
});
