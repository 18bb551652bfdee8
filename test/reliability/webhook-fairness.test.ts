/**
 * Fairness (issue 25, item 2): partner A's receiver never answers and A has hundreds of
 * deliveries due; partner B's event still reaches B within 5 s. A holds at most its cap of
 * workers (the rest of its work waits in the queue with a visibility delay), so B's delivery
 * never queues behind A's hanging attempts. B's latency is printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudEvent, recordEvent } from '../../src/domain/events';
import { adminOf, call, seedWorld, startWorld, type Service } from '../support/harness';
import { eventually, Receiver } from '../support/receiver';
import { pool, report } from './support';

let svc: Service;
const rx = new Receiver();
let hanging: Server;
let hangingUrl = '';
let hung = 0;

beforeAll(async () => {
  ({ svc } = await startWorld({ webhooks: { allowPrivateTargets: true, retryScale: 1 } }, [], { queues: true }));
  await rx.start();
  hanging = createServer(() => {
    hung++; // never answers
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hang`;
});
afterAll(async () => {
  await svc.close();
  await rx.close();
  hanging.closeAllConnections();
  await new Promise((r) => hanging.close(r));
});

describe('fairness', () => {
  it("partner B's event reaches B within 5 s while A's receiver hangs with hundreds of deliveries due", async () => {
    const a = (await seedWorld(svc.deps)).reseller;
    const b = (await seedWorld(svc.deps)).reseller;
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(a), body: { url: hangingUrl } })).status).toBe(201);
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(b), body: { url: `${rx.url}/b` } })).status).toBe(201);

    // A's events: 300 commits, each announced on the queue, all due at once.
    const due = 300;
    await pool(
      4,
      Array.from({ length: due }, (_, i) => () => {
        const e = cloudEvent(a.id, 'test.created', new Date().toISOString(), { n: i }, 'webhooks');
        return svc.deps.store.commit(a.id, [recordEvent(e)]);
      }),
    );
    await eventually(() => (hung >= 1 ? true : undefined), 10_000, "A's receiver to hang");

    // Latency: from the event's time (its commit) to its arrival at B's receiver.
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(b) });
      expect(t.status).toBe(202);
      const got = await eventually(() => rx.at('/b').find((r) => r.event.id === t.body.eventId), 20_000, "B's event");
      latencies.push(got.at - Date.parse(got.event.time));
      await new Promise((r) => setTimeout(r, 500));
    }
    const health = (await call(svc, 'GET', '/api/webhooks', { as: adminOf(a) })).body.health;
    report("webhook fairness: partner B's latency while A's receiver hangs", {
      'A deliveries due': due,
      "A's POSTs hanging at once (at most the cap)": hung,
      "B's latency from commit to receipt, ms (3 events)": latencies.join(', '),
      "A's endpoint": `${health.status}, ${health.consecutiveFailures} failures`,
    });
    for (const ms of latencies) expect(ms).toBeLessThan(5000);
  }, 120_000);
});
