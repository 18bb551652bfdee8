/**
 * A bulk invitation cut off half way: the service process (the local runner, `npm start`'s
 * dist/src/local/start.js) is SIGKILLed while a batch of 500 rows under an Idempotency-Key is
 * being created, started again on the same storage, and the batch retried with the same key and
 * body: every row is created exactly once, and a further retry answers the same.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/azurite';
import { adminOf, call, seedWorld, startService, type Service } from '../support/harness';
import { localEnv, ready, START, startLocalProcess } from '../support/localProcess';
import { checkStorage, report, sleep } from './support';

let svc: Service;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

/** The partner's invitations, straight from the store (every page). */
async function storedInvitations(partnerId: string): Promise<{ id: string; email: string }[]> {
  const out: { id: string; email: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await svc.deps.store.invitations(partnerId, { status: 'all', now: new Date() }, { pageSize: 500, cursor });
    out.push(...page.items.map((i) => ({ id: i.id, email: i.customer.email })));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

describe.skipIf(!existsSync(START))('a batch cut off half way', () => {
  it('SIGKILL mid-batch, restart, retry with the same key and body: 500 rows, each created once; a further retry answers the same', async () => {
    const w = await seedWorld(svc.deps);
    const port = await freePort();
    const env = localEnv(port);
    const base = { url: `http://localhost:${port}` };
    const csv = ['companyName,email', ...Array.from({ length: 500 }, (_, i) => `Crash ${i},it${i}@crash.example`)].join('\r\n');
    const post = () =>
      call(base, 'POST', '/api/invitations/batch', {
        as: adminOf(w.reseller),
        rawBody: csv,
        headers: { 'content-type': 'text/csv', 'idempotency-key': 'crash-batch-1' },
      });
    const first = startLocalProcess(env);
    let second: ReturnType<typeof startLocalProcess> | undefined;
    try {
      await ready(first);
      const cutOff = post().catch((err: unknown) => err);
      // Half way: some rows are committed, not all.
      let before = 0;
      const t0 = Date.now();
      while ((before = (await storedInvitations(w.reseller.id)).length) < 40) {
        if (Date.now() - t0 > 120_000) throw new Error(`no progress: ${before}`);
        await sleep(100);
      }
      first.child.kill('SIGKILL');
      await first.exited;
      expect(await cutOff).toBeInstanceOf(Error);
      const atCrash = (await storedInvitations(w.reseller.id)).length;
      expect(atCrash).toBeGreaterThan(0);
      expect(atCrash).toBeLessThan(500);

      second = startLocalProcess(env);
      await ready(second);
      const retried = await post();
      expect(retried.status).toBe(200);
      expect(retried.body.summary).toEqual({ rows: 500, valid: 500, created: 500, failed: 0, duplicate: 0, sent: 0 });
      const stored = await storedInvitations(w.reseller.id);
      expect(stored).toHaveLength(500);
      expect(new Set(stored.map((s) => s.email)).size).toBe(500);
      expect(new Set(retried.body.rows.map((r: { invitation: { id: string } }) => r.invitation.id))).toEqual(
        new Set(stored.map((s) => s.id)),
      );
      const again = await post();
      expect(again.body).toEqual(retried.body);
      expect(await storedInvitations(w.reseller.id)).toHaveLength(500);
      expect(await checkStorage(svc.rows, [w.reseller.id])).toEqual([]);
      report('batch-crash', { committedAtKill: atCrash, rows: 500 });
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGINT');
      await Promise.all([first.exited, second?.exited]);
    }
  }, 300_000);
});
