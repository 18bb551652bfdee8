/**
 * `npm run bench:roundtrips`: the Table Storage round trips of one request of each write kind,
 * on the request path (until the answer) and after it (the request's own work still running,
 * then the delivery queue's messages the request announced, worked as the host would). About
 * 20 s; writes bench/results/roundtrips.md and .json. The full `npm run bench` measures latencies.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queueNameFor } from '../src/config';
import { buildDeps, setDeps } from '../src/deps';
import { deliverMessage } from '../src/domain/delivery';
import { foldAfterCommit } from '../src/domain/insights';
import type { Partner } from '../src/domain/model';
import { enrolPartners } from '../src/domain/operator';
import { findPartner } from '../src/domain/partners';
import { encodePrincipal } from '../src/http/principal';
import { startBenchStorage } from './azurites';
import { loadFunctions, startRunner } from '../src/local/runner';
import { parseEventMessage } from '../src/queue/messages';
import { StorageEventQueue } from '../src/queue/storageQueue';
import { tableStorage } from '../src/storage';

const ROOT = join(__dirname, '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** The targets of issue 24 (table round trips). */
export const ROUND_TRIP_TARGETS: Record<string, { path: number; total?: number; after?: number }> = {
  create: { path: 1, after: 2 },
  accept: { path: 4, total: 8 },
  'accept.combined': { path: 6, total: 12 },
};

export interface Counted {
  id: string;
  endpoint: string;
  path: string[];
  after: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (ops: string[]) => {
  const by = new Map<string, number>();
  for (const op of ops) by.set(op, (by.get(op) ?? 0) + 1);
  return [...by].map(([op, n]) => `${n} ${op}`).join(' + ') || 'none';
};

export async function countWriteRoundTrips(): Promise<Counted[]> {
  const bench = await startBenchStorage();
  const { port, config } = bench;
  let phase: string[] | undefined;
  const runner = { close: async () => {} };
  try {
    const storage = tableStorage(config, {
      onRoundTrip: (op) => {
        if (phase && op !== 'createTable' && !op.startsWith('queue.')) phase.push(op);
      },
    });
    const deps = buildDeps(config, storage);
    setDeps(deps);
    await loadFunctions(join(ROOT, 'dist', 'functions'));
    const server = await startRunner({ port, log: () => undefined });
    runner.close = () => server.close();
    const base = `http://127.0.0.1:${port}`;
    // The bench's own reader of the delivery queue (not counted): it hands messages to the worker.
    const reader = StorageEventQueue.fromConfig(config, queueNameFor(config.tablePrefix));

    const provider: Partner = { id: randomUUID(), name: 'Counted Provider', kind: 'indirectProvider', indirectProviderIds: [] };
    const reseller: Partner = { id: randomUUID(), name: 'Counted Reseller', kind: 'reseller', indirectProviderIds: [provider.id] };
    await enrolPartners(deps, [provider, reseller]);
    // The partner lookup is cached per process: warm, as in steady state.
    for (const p of [provider, reseller]) await findPartner(deps.directory, p.id);
    const as = (tenantId: string, roles: string[]) => ({
      'x-ms-client-principal': encodePrincipal({ tenantId, userId: 'u', name: `admin@${tenantId.slice(0, 8)}.example`, roles }),
      'content-type': 'application/json',
    });
    const partnerHeaders = as(reseller.id, ['AdminAgent']);

    async function drain(): Promise<void> {
      for (let idle = 0; idle < 3;) {
        await sleep(150);
        const batch = await reader.receive(32, 30);
        if (!batch.length) {
          idle++;
          continue;
        }
        idle = 0;
        for (const m of batch) {
          const msg = parseEventMessage(JSON.parse(Buffer.from(m.text, 'base64').toString('utf8')));
          // As functions/deliverEvents.ts does: the delivery, then (first attempt) the insight fold.
          if (msg) await deliverMessage(deps, msg);
          if (msg && (msg.attempt ?? 1) === 1) await foldAfterCommit(deps, msg.partnerId);
          await reader.complete(m);
        }
      }
    }

    async function count(id: string, endpoint: string, method: string, path: string, headers: Record<string, string>, body: unknown) {
      await drain();
      // Warm again: the lookup is cached for a few seconds only, and this machine may be slow.
      for (const p of [provider, reseller]) await findPartner(deps.directory, p.id);
      const path_: string[] = [];
      const after: string[] = [];
      phase = path_;
      const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
      const text = await res.text();
      phase = after;
      if (!res.ok) throw new Error(`${endpoint}: HTTP ${res.status}: ${text}`);
      await drain();
      phase = undefined;
      return { counted: { id, endpoint, path: path_, after }, body: JSON.parse(text) as Record<string, unknown> };
    }

    const invite = (combined: boolean) => ({
      customer: { companyName: `Counted ${randomUUID().slice(0, 6)}`, domain: 'counted.example', email: 'admin@counted.example' },
      ...(combined ? { indirectProviderId: provider.id } : {}),
    });
    const results: Counted[] = [];
    const created = await count('create', 'create invitation (no webhook)', 'POST', '/api/invitations', partnerHeaders, invite(false));
    results.push(created.counted);
    const accept = async (id: string, endpoint: string, url: unknown) => {
      const customer = as(randomUUID(), ['GlobalAdmin']);
      const r = await count(id, endpoint, 'POST', new URL(String(url)).pathname, customer, { decision: 'accept' });
      results.push(r.counted);
    };
    await accept('accept', 'accept invitation', created.body.url);
    phase = undefined;
    const combined = await (
      await fetch(`${base}/api/invitations`, { method: 'POST', headers: partnerHeaders, body: JSON.stringify(invite(true)) })
    ).json();
    await accept('accept.combined', 'accept invitation (reseller and provider)', (combined as { url: string }).url);
    return results;
  } finally {
    phase = undefined;
    await runner.close();
    await bench.stop();
  }
}

export function renderRoundTrips(counted: Counted[]): string {
  const lines = [
    '| request | on the request path | after the answer | total | target (path / after or total) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const c of counted) {
    const t = ROUND_TRIP_TARGETS[c.id];
    const total = c.path.length + c.after.length;
    const ok =
      t && c.path.length <= t.path && (t.total === undefined || total <= t.total) && (t.after === undefined || c.after.length <= t.after);
    const target = t
      ? `≤ ${t.path} / ${t.after !== undefined ? `≤ ${t.after} after` : `≤ ${t.total} in all`}: ${ok ? 'pass' : '**FAIL**'}`
      : '';
    lines.push(
      `| ${c.endpoint} | ${c.path.length} (${summary(c.path)}) | ${c.after.length} (${summary(c.after)}) | ${total} | ${target} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const counted = await countWriteRoundTrips();
  const md = `# Table round trips per request\n\nCounted ${new Date().toISOString()} (one request each, partner lookups warm; queue operations not counted). After the answer includes the insight fold as functions/deliverEvents.ts runs it: at most once a minute per partner and instance, so here (the partners folded by the previous request's messages) none; a partner's first message after a quiet minute adds 1 query (and 1 commit when it finds settled steps).\n\n${renderRoundTrips(counted)}\n`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'roundtrips.md'), md);
  writeFileSync(join(RESULTS_DIR, 'roundtrips.json'), `${JSON.stringify(counted, null, 2)}\n`);
  console.log(md);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
}
