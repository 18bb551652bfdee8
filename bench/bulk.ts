/**
 * `npm run bench:bulk`: bulk invitations and CSV exports (docs/performance.md, "Bulk invitations
 * and exports"). Writes bench/results/bulk.md.
 *
 * - A batch of 500 rows (CSV, POST /api/invitations/batch) against 500 single creates (POST
 *   /api/invitations), one at a time and 8 at a time: wall time and storage round trips.
 * - The relationships export (format=csv) at 1,000 and at 20,000 customers: peak memory of the
 *   process (heap and RSS above the level before the request) while the whole file is read.
 *
 * One process: Azurite (its own child processes), the local runner serving the built functions
 * and the client, as bench/run.ts does. Run with --expose-gc (the npm script does).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeps, setDeps } from '../src/deps';
import type { Partner } from '../src/domain/model';
import { enrolPartners } from '../src/domain/operator';
import { encodePrincipal } from '../src/http/principal';
import { loadFunctions, startRunner } from '../src/local/runner';
import { storageOver, tableStorage } from '../src/storage';
import { MemoryRows } from '../src/storage/memoryRows';
import { startBenchStorage } from './azurites';
import { machineInfo } from './report';
import { makeCustomers, mapConcurrent, seedRelationships } from './seed';

const ROOT = join(__dirname, '..', '..');
const ROWS = 500;
const EXPORT_SIZES = [1000, 20000];
/** `BENCH_BULK_PARTS=export` runs the export part alone. */
const PARTS = new Set((process.env.BENCH_BULK_PARTS ?? 'create,export').split(','));

const reseller = (name: string): Partner => ({ id: randomUUID(), name, kind: 'reseller', indirectProviderIds: [] });
const headersOf = (p: Partner) => ({
  'x-ms-client-principal': encodePrincipal({ tenantId: p.id, userId: randomUUID(), name: 'bench@bench.example', roles: ['AdminAgent'] }),
});
const log = (m: string) => process.stdout.write(`[bench:bulk] ${m}\n`);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const bench = await startBenchStorage();
  const { port, config } = bench;
  let trips: string[] | undefined;
  const storage = tableStorage(config, { onRoundTrip: (op) => op !== 'createTable' && trips?.push(op) });
  const deps = buildDeps(config, storage);
  setDeps(deps);
  await loadFunctions(join(ROOT, 'dist', 'functions'));
  const runner = await startRunner({ port, log: (level, m) => level === 'error' && log(m) });
  const base = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  try {
    const [one, eight, batcher, warm] = ['one at a time', 'eight at a time', 'batch', 'warm-up'].map((n) => reseller(`Bench ${n}`));
    await enrolPartners(deps, [one!, eight!, batcher!, warm!]);
    const create = async (p: Partner, i: number) => {
      const r = await fetch(`${base}/api/invitations`, {
        method: 'POST',
        headers: { ...headersOf(p), 'content-type': 'application/json' },
        body: JSON.stringify({ customer: { companyName: `Single ${i}`, email: `it${i}@single.example` } }),
      });
      if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await create(warm!, i);

    const measure = async (name: string, work: () => Promise<void>) => {
      gc();
      trips = [];
      const t0 = performance.now();
      await work();
      const ms = performance.now() - t0;
      const counts = new Map<string, number>();
      for (const op of trips) counts.set(op, (counts.get(op) ?? 0) + 1);
      const detail = [...counts].map(([op, n]) => `${n} ${op}`).join(' + ');
      const row = { name, ms, trips: trips.length, detail };
      trips = undefined;
      log(`${name}: ${(ms / 1000).toFixed(1)} s, ${row.trips} round trips (${detail})`);
      return row;
    };
    if (PARTS.has('create')) {
      const results = [
        await measure(`${ROWS} single creates, one at a time`, async () => {
          for (let i = 0; i < ROWS; i++) await create(one!, i);
        }),
        await measure(`${ROWS} single creates, 8 at a time`, async () => {
          await mapConcurrent(
            Array.from({ length: ROWS }, (_, i) => i),
            8,
            (i) => create(eight!, i),
          );
        }),
        await measure(`one batch of ${ROWS} rows (CSV)`, async () => {
          const csv = ['companyName,email', ...Array.from({ length: ROWS }, (_, i) => `Batch ${i},it${i}@batch.example`)].join('\r\n');
          const r = await fetch(`${base}/api/invitations/batch`, {
            method: 'POST',
            headers: { ...headersOf(batcher!), 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
            body: csv,
          });
          const body = (await r.json()) as { summary: { created: number } };
          if (r.status !== 200 || body.summary.created !== ROWS) throw new Error(`batch: ${r.status} ${JSON.stringify(body)}`);
        }),
      ];
      lines.push(
        `## A batch of ${ROWS} against ${ROWS} single creates`,
        '',
        '| run | wall time | per invitation | storage round trips | per invitation | detail |',
        '|---|---:|---:|---:|---:|---|',
        ...results.map(
          (r) =>
            `| ${r.name} | ${(r.ms / 1000).toFixed(1)} s | ${(r.ms / ROWS).toFixed(0)} ms | ${r.trips} | ${(r.trips / ROWS).toFixed(1)} | ${r.detail} |`,
        ),
        '',
        `The batch runs ${ROWS} rows 8 at a time, each row as POST /api/invitations with an Idempotency-Key (derived from the batch's key and the row).`,
        '',
      );
    }
    if (PARTS.has('export')) {
      // `BENCH_BULK_EXPORT_STORE=memory`: the same layout over memory rows (src/storage/memoryRows.ts),
      // for a machine whose Azurite cannot take 20,000 seeded rows in time; the export path is the same.
      const overMemory = process.env.BENCH_BULK_EXPORT_STORE === 'memory';
      const exportStorage = overMemory ? storageOver(new MemoryRows(), config.signingKey) : storage;
      const exportDeps = overMemory ? buildDeps(config, exportStorage) : deps;
      setDeps(exportDeps);
      lines.push(
        `## Export memory (${overMemory ? 'memory rows' : 'Azurite'})`,
        '',
        '| customers | rows in the file | bytes | time | round trips | peak live heap above start | peak heap (with garbage) above start | peak RSS above start |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|',
      );
      for (const size of EXPORT_SIZES) {
        const p = reseller(`Bench export ${size}`);
        await enrolPartners(exportDeps, [p]);
        await seedRelationships(exportStorage.rows, p.id, makeCustomers(size), {
          layout: 'measured',
          relationshipRows: 0,
          concurrency: 2,
          retries: 5,
          perCommit: 20,
        });
        gc();
        await new Promise((r) => setTimeout(r, 200));
        gc();
        const start = process.memoryUsage();
        let heap = start.heapUsed;
        let rss = start.rss;
        // Live heap: what is still referenced, after a full GC every 24 ms (heapUsed without a GC
        // also counts the garbage between collections, which grows with the run, not what is held).
        let live = start.heapUsed;
        let tick = 0;
        const sampler = setInterval(() => {
          if (++tick % 12 === 0) {
            gc();
            live = Math.max(live, process.memoryUsage().heapUsed);
          }
          const m = process.memoryUsage();
          heap = Math.max(heap, m.heapUsed);
          rss = Math.max(rss, m.rss);
        }, 2);
        trips = [];
        const t0 = performance.now();
        const res = await fetch(`${base}/api/relationships?format=csv`, { headers: headersOf(p) });
        let bytes = 0;
        let newlines = 0;
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          bytes += chunk.byteLength;
          for (const b of chunk) if (b === 0x0a) newlines++;
        }
        const ms = performance.now() - t0;
        clearInterval(sampler);
        const roundTrips = trips.length;
        trips = undefined;
        if (newlines !== size + 1) throw new Error(`export of ${size}: ${newlines} lines`);
        log(
          `export ${size}: ${bytes} bytes in ${ms.toFixed(0)} ms, live heap +${mib(live - start.heapUsed)} MiB, heap +${mib(heap - start.heapUsed)} MiB, RSS +${mib(rss - start.rss)} MiB`,
        );
        lines.push(
          `| ${size} | ${size} | ${bytes} | ${(ms / 1000).toFixed(2)} s | ${roundTrips} | ${mib(live - start.heapUsed)} MiB | ${mib(heap - start.heapUsed)} MiB | ${mib(rss - start.rss)} MiB |`,
        );
      }
    }
    const m = machineInfo();
    const md = [
      '# Bulk invitations and exports (npm run bench:bulk)',
      '',
      `${m.cpuModel}, ${m.cpuCount} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Azurite ${m.azurite}; commit ${m.commit}; ${new Date().toISOString()}.`,
      '',
      ...lines,
      '',
    ].join('\n');
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', PARTS.size === 2 ? 'bulk.md' : `bulk-${[...PARTS].join('-')}.md`), md);
    log('wrote bench/results/bulk.md');
  } finally {
    await runner.close();
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
