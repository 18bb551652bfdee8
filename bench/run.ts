/**
 * `npm run bench`: the service's latency and throughput against the raw Table Storage floor,
 * its storage round trips per request, and its start-up cost. Writes bench/results/latest.md
 * and latest.json. See docs/performance.md.
 *
 * One process: Azurite (in memory, its own child process), the local runner serving the built
 * functions (this thread), autocannon (a worker thread, so that the load generator does not
 * share the service's event loop), and the raw @azure/data-tables loops (this thread, where the
 * service's own storage client runs).
 *
 * Knobs (environment): BENCH_SIZES (default "1000,20000"), BENCH_SECONDS per measured run
 * (default 2), BENCH_STARTUP_RUNS (default 15).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildDeps, setDeps, type AppDeps } from '../src/deps';
import { createInvitation } from '../src/domain/invitationCreate';
import type { Partner } from '../src/domain/model';
import { enrolPartners } from '../src/domain/operator';
import { findPartner } from '../src/domain/partners';
import { encodePrincipal } from '../src/http/principal';
import type { RunningAzurite } from '../src/local/azurite';
import { loadFunctions, startRunner, type RunningServer } from '../src/local/runner';
import { storageOver, tableStorage } from '../src/storage';
import { NAME_INDEX, invitationKey, nameKey, prefixEnd, relationshipKey, sortKey } from '../src/storage/layout';
import type { RangeQuery, Rows, StoredRow, WriteOp } from '../src/storage/rows';
import { tableName } from '../src/storage/tableRows';
import type { HttpCall, LoadJob } from './loadWorker';
import { RawTables, replacedId, replayActions } from './raw';
import { startBenchStorage } from './azurites';
import { machineInfo, renderMarkdown, type BenchResult, type Measured, type RoundTrips } from './report';
import { SEARCH_PREFIX, makeCustomers, mapConcurrent, seedRelationships, type Customer } from './seed';
import { closedLoop, summarize, type Sample } from './stats';
import { measureStartup } from './startup';

const ROOT = join(__dirname, '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number (got "${raw}")`);
  return n;
}

const SIZES = (process.env.BENCH_SIZES ?? '1000,20000').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1000) throw new Error(`BENCH_SIZES must list whole numbers of at least 1000 (got "${s}")`);
  return n;
});
const SECONDS = envInt('BENCH_SECONDS', 2);
const STARTUP_RUNS = envInt('BENCH_STARTUP_RUNS', 15);
const CONNECTIONS = [1, 10] as const;
/**
 * Each measurement alternates floor and endpoint in slices (less drift between the two): eight
 * at 1 connection, two at 10 (where the slow requests need the time to queue and finish).
 */
const slicesAt = (connections: number) => (connections === 1 ? 8 : 2);
/** The page size the list endpoints default to; the service reads one more row to know whether a next page exists. */
const PAGE = 100;
/** The highest write rate (per second) the pools are sized for; a run that uses its pool up stops early. */
const POOL_RATE = 200;
/** The customers `get` reads (in random order); only they have a relationship row in the big partitions. */
const GET_CUSTOMERS = 1000;
/** Calls of the warm-up before each endpoint's runs. */
const WARM_CALLS = 50;

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

// ---------------------------------------------------------------- counting

/** What a single request did to storage. */
interface Tally {
  ops: string[];
  entities: number;
  /** Rows storage had to pass over to answer the ranges (with a filter, more than it returns). */
  examined: number;
  commits: WriteOp[][];
}

let recording: Tally | undefined;

/**
 * The service's store, seen while counting: the entities `get` and `range` answered with, the
 * rows storage passed over for a filtered range (counted afterwards with a raw query of the same
 * key range: up to the last row returned when the limit was reached, else the whole range), the
 * writes of each `commit`; every other method passes through untouched.
 */
function observe(inner: Rows, raw: RawTables): Rows {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (prop === 'get') {
        return async (...args: unknown[]) => {
          const row = await fn.apply(target, args);
          if (recording && row) recording.entities++;
          if (recording) recording.examined++;
          return row;
        };
      }
      if (prop === 'range') {
        return async (...args: unknown[]) => {
          const rows = (await fn.apply(target, args)) as StoredRow[];
          const tally = recording;
          if (!tally) return rows;
          tally.entities += rows.length;
          const [table, pk, q] = args as [string, string, RangeQuery];
          if (table !== 'data' || (!q.where?.length && !q.anyOf?.length)) tally.examined += rows.length;
          else tally.examined += await raw.countRange(pk, q.from, q.to, rows.length >= q.limit ? rows.at(-1)?.rk : undefined);
          return rows;
        };
      }
      if (prop === 'commit') {
        return (...args: unknown[]) => {
          recording?.commits.push(args[2] as WriteOp[]);
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
}

// ---------------------------------------------------------------- load generator

class LoadGenerator {
  private readonly worker = new Worker(join(__dirname, 'loadWorker.js'));
  private pending: { resolve: (s: Sample) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.worker.on('message', (m: { ok: true; sample: Sample } | { ok: false; error: string }) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.ok) p?.resolve(m.sample);
      else p?.reject(new Error(m.error));
    });
    this.worker.on('error', (err) => {
      this.pending?.reject(err);
      this.pending = undefined;
    });
  }

  /** One run at a time. */
  run(job: LoadJob): Promise<Sample> {
    if (this.pending) return Promise.reject(new Error('the load generator is busy'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(job);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

function merge(samples: Sample[]): Sample {
  const statusCodes: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.statusCodes ?? {})) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    latencies: samples.flatMap((s) => s.latencies),
    failures: samples.reduce((a, s) => a + s.failures, 0),
    elapsedMs: samples.reduce((a, s) => a + s.elapsedMs, 0),
    statusCodes,
  };
}

/**
 * autocannon drops the requests still in flight when a run ends, but the service finishes them
 * (and Azurite works for them): wait about as long as the slowest request took before measuring
 * anything else.
 */
async function settle(sample: Sample): Promise<void> {
  const slowest = sample.latencies.reduce((a, b) => Math.max(a, b), 0);
  await new Promise((r) => setTimeout(r, Math.min(3000, slowest + 20)));
}

/** A full collection between runs when Node was started with --expose-gc (npm run bench does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---------------------------------------------------------------- the world

const principalOf = (tenantId: string, role: 'AdminAgent' | 'GlobalAdmin') =>
  encodePrincipal({
    tenantId,
    userId: randomUUID(),
    name: `${role === 'GlobalAdmin' ? 'ga' : 'agent'}@${tenantId.slice(0, 8)}.example`,
    roles: [role],
  });

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const reseller = (name: string): Partner => ({ id: randomUUID(), name, kind: 'reseller', indirectProviderIds: [] });

class Pool<T> {
  private next = 0;
  constructor(
    readonly name: string,
    private readonly items: T[],
  ) {}
  take(n: number): T[] {
    if (this.next + n > this.items.length) throw new Error(`the ${this.name} pool is used up (${this.items.length} items)`);
    const out = this.items.slice(this.next, this.next + n);
    this.next += n;
    return out;
  }
  get remaining(): number {
    return this.items.length - this.next;
  }
}

interface Scenario {
  id: string;
  endpoint: string;
  customers: number | undefined;
  kind: 'read' | 'write';
  floor: string;
  /** The calls of a run; a pool gives `count` fresh ones each time. */
  calls: (count: number) => { calls: HttpCall[]; mode: LoadJob['mode'] };
  raw: () => Promise<unknown>;
  /** Writes that use up a pool make at most this many calls per run (floor and endpoint alike). */
  pooled: boolean;
  roundTrips?: RoundTrips;
}

/** Azurite, the service on the local runner, the load generator and the raw client: what every step uses. */
interface Bench {
  azurite: RunningAzurite;
  /** Azurite's Queue service: every write announces its events there, as in Azure. */
  queues: RunningAzurite;
  runner: RunningServer;
  load: LoadGenerator;
  base: string;
  deps: AppDeps;
  /** The rows under the service's store (seeding writes them directly; the count observes them). */
  rows: Rows;
  raw: RawTables;
  runnerErrors: string[];
}

interface Sized {
  size: number;
  partner: Partner;
  customers: Customer[];
  headers: Record<string, string>;
}

/** The partners: one per kind of write (Azurite's cost per write grows with the partition), one per size for the reads. */
interface Partners {
  creator: Partner;
  inviter: Partner;
  remover: Partner;
  sized: Sized[];
}

interface Pools {
  acceptPool: Pool<HttpCall>;
  acceptFloorPool: Pool<string>;
  removePool: Pool<HttpCall>;
  removeFloorPool: Pool<string>;
}

/** The commits the service made while its round trips were counted; the write floors replay them. */
class Commits {
  readonly captured = new Map<string, WriteOp[]>();
  of(id: string): WriteOp[] {
    const c = this.captured.get(id);
    if (!c) throw new Error(`no commit captured for ${id}`);
    return c;
  }
}

const headersOf = (p: Partner) => ({ 'x-ms-client-principal': principalOf(p.id, 'AdminAgent'), 'content-type': 'application/json' });
const perSliceAt = (connections: number) => Math.ceil((POOL_RATE * SECONDS) / slicesAt(connections));

/** Azurite, the service (functions from dist/functions, deps counting round trips), the runner and the load generator. */
async function startBench(): Promise<Bench> {
  const { azurite, queues, port, config } = await startBenchStorage();
  const storage = tableStorage(config, {
    onRoundTrip: (op) => {
      if (recording && op !== 'createTable') recording.ops.push(op);
    },
  });
  const deps: AppDeps = buildDeps(config, storage);
  setDeps(deps);
  const functions = await loadFunctions(join(ROOT, 'dist', 'functions'));
  const runnerErrors: string[] = [];
  const runner = await startRunner({ port, log: (level, message) => level === 'error' && runnerErrors.push(message) });
  const base = `http://127.0.0.1:${port}`;
  const raw = new RawTables(azurite.connectionString, tableName(config.tablePrefix, 'data'));
  log(`Azurite on 127.0.0.1:${azurite.port}, ${functions.length} HTTP functions on ${base}/api`);
  return { azurite, queues, runner, load: new LoadGenerator(), base, deps, rows: storage.rows, raw, runnerErrors };
}

/** Enrols the partners and seeds the big partitions the reads measure. */
async function seedPartners({ deps, rows: store }: Bench): Promise<Partners> {
  const creator = reseller('Bench Creating Reseller');
  const inviter = reseller('Bench Inviting Reseller');
  const remover = reseller('Bench Removing Reseller');
  const sized: Sized[] = SIZES.map((size) => {
    const partner = reseller(`Bench Reseller ${size}`);
    return { size, partner, customers: makeCustomers(size), headers: { 'x-ms-client-principal': principalOf(partner.id, 'AdminAgent') } };
  });
  await enrolPartners(deps, [creator, inviter, remover, ...sized.map((s) => s.partner)]);
  for (const s of sized) {
    const t0 = performance.now();
    const rows = await seedRelationships(store, s.partner.id, s.customers, {
      layout: 'measured',
      relationshipRows: GET_CUSTOMERS,
      onProgress: (done, total) => log(`  seeding ${s.size} customers: ${done} of ${total} rows`),
    });
    log(`Seeded ${s.size} customers (${rows} rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { creator, inviter, remover, sized };
}

/** The write pools, for the endpoint and for its floor: each accept needs its own link and customer tenant, each removal its own active relationship. */
async function seedPools({ deps, rows }: Bench, { inviter, remover }: Partners): Promise<Pools> {
  const poolSize = CONNECTIONS.reduce((n, c) => n + slicesAt(c) * perSliceAt(c), 0) + WARM_CALLS + 1;
  const t0 = performance.now();
  const removable = makeCustomers(poolSize);
  const probed = removable[0]!; // the first removal is the one whose round trips are counted
  // The floor's removals replay that removal's writes on relationships of the same name and domain.
  const victims = makeCustomers(poolSize).map((c) => ({ ...c, companyName: probed.companyName, domain: probed.domain }));
  await seedRelationships(rows, remover.id, [...removable, ...victims], { layout: 'full' });
  const caller = { tenantId: inviter.id, userId: 'bench-user', name: 'bench@inviter.example', roles: ['AdminAgent'] };
  const invitations = await mapConcurrent(
    Array.from({ length: 2 * poolSize }, (_, i) => i),
    16,
    (i) =>
      createInvitation(
        deps,
        inviter,
        caller,
        {
          customer: { companyName: `Invited Customer ${i}`, domain: `invited-${i}.example`, email: `admin@invited-${i}.example` },
          send: false,
        },
        'en',
      ),
  );
  log(
    `Seeded ${2 * poolSize} relationships to remove and ${2 * poolSize} invitations to accept in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const acceptPool = new Pool(
    'invitation',
    invitations.slice(0, poolSize).map((inv): HttpCall => {
      const token = new URL(inv.url!).pathname.split('/').pop()!;
      return {
        method: 'POST',
        path: `/api/accept/${token}`,
        headers: { 'content-type': 'application/json', 'x-ms-client-principal': principalOf(randomUUID(), 'GlobalAdmin') },
        body: JSON.stringify({ decision: 'accept' }),
      };
    }),
  );
  const acceptFloorPool = new Pool(
    'floor invitation',
    invitations.slice(poolSize).map((inv) => inv.id),
  );
  const removePool = new Pool(
    'relationship',
    removable.map((c): HttpCall => ({
      method: 'POST',
      path: `/api/relationships/${c.customerId}/remove`,
      headers: headersOf(remover),
      body: JSON.stringify({ attestGoodFaith: true, reason: 'benchmark' }),
    })),
  );
  const removeFloorPool = new Pool(
    'floor relationship',
    victims.map((c) => c.customerId),
  );
  return { acceptPool, acceptFloorPool, removePool, removeFloorPool };
}

/** The read scenarios of each size: list pages (first, deep, search) and get, each with its floor. */
async function readScenarios({ base, raw }: Bench, { sized }: Partners): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  const namePrefix = `${NAME_INDEX}active|`;
  for (const s of sized) {
    const pk = s.partner.id;
    // A deep page: walk half the list with big pages, then ask for the next page of 100.
    let token: string | undefined;
    let last: Customer | undefined;
    for (let seen = 0; seen < s.size / 2; seen += 500) {
      const res = await fetch(`${base}/api/relationships?pageSize=500${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`, {
        headers: s.headers,
      });
      const page = (await res.json()) as { items: Customer[]; continuationToken?: string };
      if (!page.continuationToken) throw new Error('the walk reached the end of the list');
      token = page.continuationToken;
      last = page.items.at(-1);
    }
    const deepFrom = `${namePrefix}${sortKey(last!)}\u0000`;
    const searchFrom = `${namePrefix}${nameKey(SEARCH_PREFIX)}`;
    const ids = s.customers.slice(0, GET_CUSTOMERS).map((c) => c.customerId);
    const read = (id: string, endpoint: string, path: string, rawOp: () => Promise<unknown>): Scenario => ({
      id: `${id}@${s.size}`,
      endpoint,
      customers: s.size,
      kind: 'read',
      floor: `range page, ${PAGE + 1} rows`,
      calls: () => ({ calls: [{ method: 'GET', path, headers: s.headers }], mode: 'cycle' }),
      raw: rawOp,
      pooled: false,
    });
    scenarios.push(
      read('list.first', `list, first page of ${PAGE}`, '/api/relationships', () =>
        raw.rangePage(pk, namePrefix, prefixEnd(namePrefix), PAGE + 1),
      ),
      read(
        'list.deep',
        `list, deep page of ${PAGE} (continuation)`,
        `/api/relationships?continuationToken=${encodeURIComponent(token!)}`,
        () => raw.rangePage(pk, deepFrom, prefixEnd(namePrefix), PAGE + 1),
      ),
      read('list.search', `list, prefix search q=${SEARCH_PREFIX}`, `/api/relationships?q=${SEARCH_PREFIX}`, () =>
        raw.rangePage(pk, searchFrom, prefixEnd(searchFrom), PAGE + 1),
      ),
      {
        id: `get@${s.size}`,
        endpoint: 'get one relationship',
        customers: s.size,
        kind: 'read',
        floor: 'point read',
        // In random order, endpoint and floor alike: Azurite's point read costs more for some rows than others.
        calls: () => ({
          calls: shuffled(ids).map((id) => ({ method: 'GET', path: `/api/relationships/${id}`, headers: s.headers })),
          mode: 'cycle',
        }),
        raw: () => raw.pointRead(pk, relationshipKey(ids[Math.floor(Math.random() * ids.length)]!)),
        pooled: false,
      },
    );
  }
  return scenarios;
}

/** The write scenarios: create, accept and remove, their floors replaying the service's commits. */
function writeScenarios({ raw }: Bench, { creator, inviter, remover }: Partners, pools: Pools, commits: Commits): Scenario[] {
  const { acceptPool, acceptFloorPool, removePool, removeFloorPool } = pools;
  const commitOf = (id: string) => commits.of(id);
  return [
    {
      id: 'create',
      endpoint: 'create invitation',
      customers: undefined,
      kind: 'write',
      floor: 'transaction of the same writes',
      calls: () => ({
        calls: [
          {
            method: 'POST',
            path: '/api/invitations',
            headers: headersOf(creator),
            body: JSON.stringify({
              customer: { companyName: 'Bench Customer', domain: 'bench-customer.example', email: 'admin@bench-customer.example' },
            }),
          },
        ],
        mode: 'cycle',
      }),
      raw: () => raw.submit(replayActions(creator.id, commitOf('create'), new Map())),
      pooled: false,
    },
    {
      id: 'accept',
      endpoint: 'accept invitation',
      customers: undefined,
      kind: 'write',
      floor: '2 point reads at once, then the same transaction',
      calls: (count) => ({ calls: acceptPool.take(count), mode: 'once' }),
      raw: async () => {
        const id = acceptFloorPool.take(1)[0]!;
        const rk = invitationKey(id);
        const [etag] = await Promise.all([raw.pointRead(inviter.id, rk), raw.pointRead(inviter.id, relationshipKey(randomUUID()))]);
        const ops = commitOf('accept');
        await raw.submit(replayActions(inviter.id, ops, new Map([[replacedId(ops), id]]), new Map([[rk, etag ?? '*']])));
      },
      pooled: true,
    },
    {
      id: 'remove',
      endpoint: 'remove relationship',
      customers: undefined,
      kind: 'write',
      floor: 'point read, then the same transaction',
      calls: (count) => ({ calls: removePool.take(count), mode: 'once' }),
      raw: async () => {
        const id = removeFloorPool.take(1)[0]!;
        const rk = relationshipKey(id);
        const etag = await raw.pointRead(remover.id, rk);
        const ops = commitOf('remove');
        await raw.submit(replayActions(remover.id, ops, new Map([[replacedId(ops), id]]), new Map([[rk, etag ?? '*']])));
      },
      pooled: true,
    },
  ];
}

/** One request of each kind with the store observed: round trips, entities read and examined, writes per commit. */
async function countRoundTrips(
  { deps, rows, raw, base }: Bench,
  partners: Partners,
  scenarios: Scenario[],
  commits: Commits,
): Promise<void> {
  const { creator, inviter, remover, sized } = partners;
  const observed = storageOver(observe(rows, raw), deps.config.signingKey);
  setDeps({ ...deps, store: observed.store, directory: observed.directory });
  // The partner lookup is cached (per directory, for a while): warm, as in steady state.
  for (const p of [creator, inviter, remover, ...sized.map((s) => s.partner)]) await findPartner(observed.directory, p.id);
  for (const sc of scenarios) {
    const call = sc.calls(1).calls[0]!;
    const tally: Tally = { ops: [], entities: 0, examined: 0, commits: [] };
    recording = tally;
    const res = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers: call.headers,
      ...(call.body ? { body: call.body } : {}),
    });
    await res.arrayBuffer();
    recording = undefined;
    if (!res.ok) throw new Error(`${sc.endpoint}: HTTP ${res.status} while counting round trips`);
    if (tally.commits.length) commits.captured.set(sc.id, tally.commits.flat());
    const byOp = new Map<string, number>();
    for (const op of tally.ops) byOp.set(op, (byOp.get(op) ?? 0) + 1);
    sc.roundTrips = {
      total: tally.ops.length,
      detail: [...byOp].map(([op, n]) => `${n} ${op}`).join(' + ') || 'none',
      entitiesRead: tally.entities,
      entitiesExamined: tally.examined,
      writes: tally.commits.map((c) => c.length),
    };
  }
  setDeps(deps);
  log('Counted the storage round trips of one request of each kind; measuring...');
}

/** Each scenario at 1 and 10 connections, floor and endpoint alternating in slices. */
async function measureScenarios({ base, load, runnerErrors }: Bench, scenarios: Scenario[]): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const sc of scenarios) {
    // Warm up both paths (JIT, connection pools) before measuring.
    await closedLoop(sc.raw, 10, 300, sc.pooled ? WARM_CALLS : Infinity);
    await settle(await load.run({ url: base, connections: 10, durationS: 1, ...sc.calls(WARM_CALLS) }));
    for (const connections of CONNECTIONS) {
      const floorSlices: Sample[] = [];
      const httpSlices: Sample[] = [];
      const slices = slicesAt(connections);
      const sliceMs = (SECONDS * 1000) / slices;
      const perSlice = perSliceAt(connections);
      for (let slice = 0; slice < slices; slice++) {
        collectGarbage();
        floorSlices.push(await closedLoop(sc.raw, connections, sliceMs, sc.pooled ? perSlice : Infinity));
        collectGarbage();
        const sample = await load.run({ url: base, connections, durationS: sliceMs / 1000, ...sc.calls(sc.pooled ? perSlice : 1) });
        httpSlices.push(sample);
        await settle(sample);
      }
      const floor = summarize(merge(floorSlices));
      const sample = merge(httpSlices);
      const http = summarize(sample);
      measured.push({
        id: sc.id,
        endpoint: sc.endpoint,
        customers: sc.customers,
        kind: sc.kind,
        connections,
        http,
        statusCodes: sample.statusCodes ?? {},
        floorLabel: sc.floor,
        floor,
        ratioP50: http.p50 / floor.p50,
        ...(sc.roundTrips ? { roundTrips: sc.roundTrips } : {}),
      });
      const failures = http.failures ? `  ${http.failures} FAILED ${JSON.stringify(sample.statusCodes)}` : '';
      log(
        `${`${sc.endpoint}${sc.customers ? ` @${sc.customers}` : ''}`.padEnd(42)} c=${String(connections).padEnd(2)} p50 ${http.p50.toFixed(2).padStart(6)} p99 ${http.p99.toFixed(2).padStart(7)} ms ${http.throughput.toFixed(0).padStart(5)}/s | floor p50 ${floor.p50.toFixed(2).padStart(6)} ms  ×${(http.p50 / floor.p50).toFixed(2)}${failures}`,
      );
    }
  }
  if (runnerErrors.length) log(`The runner logged ${runnerErrors.length} error(s); first: ${runnerErrors[0]}`);
  return measured;
}

/** Reference: the raw operations on their own. */
async function measureRawOps({ raw }: Bench, { creator, sized }: Partners, commits: Commits): Promise<BenchResult['rawOps']> {
  const refs = [
    { name: 'point read', op: () => raw.pointRead(sized[0]!.partner.id, relationshipKey(sized[0]!.customers[0]!.customerId)) },
    {
      name: 'single insert',
      op: () => raw.insert({ partitionKey: creator.id, rowKey: `bench|raw|${randomUUID()}`, doc: 'x'.repeat(600) }),
    },
    {
      name: `transaction of ${commits.of('accept').length} inserts (accept's size)`,
      op: () =>
        raw.submit(
          replayActions(
            creator.id,
            commits.of('accept').map((op): WriteOp => ({ kind: 'insert', rk: op.rk, data: op.kind === 'delete' ? {} : op.data })),
            new Map(),
          ),
        ),
    },
  ];
  const rawOps: BenchResult['rawOps'] = [];
  for (const r of refs) {
    for (const connections of CONNECTIONS)
      rawOps.push({ name: r.name, connections, summary: summarize(await closedLoop(r.op, connections, 1000)) });
  }
  return rawOps;
}

/** Writes bench/results/latest.md and latest.json; a failed request or a connection at import fails the run. */
function writeReport(result: BenchResult): void {
  const markdown = renderMarkdown(result);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  log('Wrote bench/results/latest.md and bench/results/latest.json');
  const failed = result.measured.filter((m) => m.http.failures > 0 || m.floor.failures > 0);
  const { startup } = result;
  if (failed.length || startup.connectionsAtImport > 0 || startup.variants.some((v) => v.sockets.length)) {
    console.error('Some runs had failures, or importing opened a connection: see above.');
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  console.log(
    `Benchmark: ${SIZES.join(' and ')} customers, ${SECONDS} s per run at ${CONNECTIONS.join(' and ')} connection(s); ~4-5 minutes.`,
  );
  let bench: Bench | undefined;
  try {
    bench = await startBench();
    const partners = await seedPartners(bench);
    const pools = await seedPools(bench, partners);
    const commits = new Commits();
    const scenarios = [...(await readScenarios(bench, partners)), ...writeScenarios(bench, partners, pools, commits)];
    await countRoundTrips(bench, partners, scenarios, commits);
    const measured = await measureScenarios(bench, scenarios);
    const rawOps = await measureRawOps(bench, partners, commits);
    await bench.runner.close();
    await bench.load.close();

    log(`Cold start: ${STARTUP_RUNS} fresh processes per variant...`);
    const startup = await measureStartup(STARTUP_RUNS, bench.azurite.port, partners.sized[0]!.headers['x-ms-client-principal']!);
    await bench.azurite.stop();
    await bench.queues.stop();
    const runnerErrors = bench.runnerErrors.length;
    bench = undefined;

    writeReport({
      at: new Date().toISOString(),
      machine: machineInfo(),
      settings: {
        sizes: SIZES,
        secondsPerRun: SECONDS,
        connections: [...CONNECTIONS],
        startupRuns: STARTUP_RUNS,
        page: PAGE,
        searchPrefix: SEARCH_PREFIX,
      },
      measured,
      rawOps,
      startup,
      runnerErrors,
      totalSeconds: (performance.now() - started) / 1000,
    });
  } finally {
    await bench?.runner.close();
    await bench?.load.close();
    await bench?.azurite.stop();
    await bench?.queues.stop();
  }
}

/**
 * `BENCH_ONLY=coldstart npm run bench`: measures the cold start again (its own Azurite and
 * partner) and replaces it in bench/results/latest.json and latest.md, keeping the rest of the
 * last full run.
 */
async function coldStartOnly(): Promise<void> {
  const previous = JSON.parse(readFileSync(join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchResult;
  // Enrolling the partner announces its event on the queue, so both Azurites.
  const storage = await startBenchStorage();
  const { azurite, config } = storage;
  try {
    const partner = reseller('Bench Cold Start Reseller');
    await enrolPartners(buildDeps(config), [partner]);
    log(`Cold start: ${STARTUP_RUNS} fresh processes per variant...`);
    const startup = await measureStartup(STARTUP_RUNS, azurite.port, principalOf(partner.id, 'AdminAgent'));
    writeReport({ ...previous, startup: { ...startup, at: new Date().toISOString(), node: process.version } });
  } finally {
    await storage.stop();
  }
}

(process.env.BENCH_ONLY === 'coldstart' ? coldStartOnly() : main()).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
