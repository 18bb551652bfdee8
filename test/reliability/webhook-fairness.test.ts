/**
 * Fairness (issue 25, item 2): partner A's receiver never answers and A has hundreds of
 * deliveries due; every event of partner B's still reaches B within 5 s, for 25 s of it. A holds
 * at most its cap of workers, and the rest of its work waits on the queue's waiting lane, a queue
 * of its own: B's deliveries never sit behind A's hanging attempts nor behind A's waiting work.
 * B's latency is printed.
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

    // B's events, one a second for 25 s: through A's first waves of waiting work, its first
    // attempts' timeouts (10 s) and the next ones hanging. One by the API's test event, the rest
    // as any change of B's commits them. Latency: from the event's time (its commit) to its
    // arrival at B's receiver.
    const latencies: number[] = [];
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(b) });
    expect(t.status).toBe(202);
    const sent = [t.body.eventId as string];
    const started = Date.now();
    while (Date.now() - started < 25_000) {
      await new Promise((r) => setTimeout(r, 1000));
      const e = cloudEvent(b.id, 'test.created', new Date().toISOString(), { n: sent.length }, 'webhooks');
      await svc.deps.store.commit(b.id, [recordEvent(e)]);
      sent.push(e.id);
    }
    for (const id of sent) {
      const got = await eventually(() => rx.at('/b').find((r) => r.event.id === id), 30_000, "B's event");
      latencies.push(got.at - Date.parse(got.event.time));
    }
    const health = (await call(svc, 'GET', '/api/webhooks', { as: adminOf(a) })).body.health;
    const sorted = [...latencies].sort((x, y) => x - y);
    report("webhook fairness: partner B's latency while A's receiver hangs", {
      'A deliveries due': due,
      "A's POSTs received (each hangs 10 s; at most the cap at once)": hung,
      "B's events": latencies.length,
      "B's latency from commit to receipt, ms (p50, max)": `${sorted[Math.floor(sorted.length / 2)]}, ${sorted.at(-1)}`,
      "A's endpoint": `${health.status}, ${health.consecutiveFailures} failures`,
    });
    for (const ms of latencies) expect(ms).toBeLessThan(5000);
  }, 120_000);

  it('a burst of 60 events to a receiver that answers goes out at its pace: slots are handed over, nothing waits 5 s in the queue', async () => {
    const c = (await seedWorld(svc.deps)).reseller;
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(c), body: { url: `${rx.url}/c` } })).status).toBe(201);
    const events = Array.from({ length: 60 }, (_, i) => cloudEvent(c.id, 'test.created', new Date().toISOString(), { n: i }, 'webhooks'));
    const t0 = Date.now();
    await Promise.all(events.map((e) => svc.deps.store.commit(c.id, [recordEvent(e)])));
    const arrived = () => events.map((e) => rx.at('/c').find((r) => r.event.id === e.id)?.at);
    await eventually(() => (arrived().every((at) => at !== undefined) ? true : undefined), 30_000, "C's 60 events");
    const last = Math.max(...(arrived() as number[]));
    report('webhook burst: 60 events committed at once to a receiver that answers', { 'ms until the last arrived': last - t0 });
    // Before slots were handed over, all but the cap's 4 waited 5 to 10 s in the queue (10.5 s
    // measured), some twice. Now they wait in the worker for a slot, or 1 to 3 s in the queue when
    // the receiver's pace would not serve them within a second (0.7 to 3.8 s measured).
    expect(last - t0).toBeLessThan(8000);
  }, 60_000);
});
