/**
 * `npm run bench:profile`: where the time of one `GET /api/relationships/{id}` goes beyond its
 * point read. On one Azurite, interleaved (so the machine's state touches all alike), it times
 * the layers a request passes, from the inside out:
 *
 *   raw        a point read through a plain TableClient (the benchmark's floor)
 *   adapter    the same read through the service's PartnerStore (retry and timeout policies, toRow)
 *   domain     getRelationship (the adapter's read, the document parsed, toView)
 *   handler    the function's handler, given a ready HttpRequest (principal, partner check from
 *              the cache, params, domain, reply)
 *   invocation what the runner adds in-process: building the HttpRequest and InvocationContext,
 *              the handler, and serialising the reply (not the socket)
 *   bare http  a bare node:http server on loopback that does the raw point read and answers its
 *              JSON: the transport's own cost, with no service code at all
 *   http       the whole request over loopback HTTP through the local runner (keep-alive
 *              node:http client in this process): what the benchmark's endpoint figure measures
 *
 * then times the CPU-only steps one by one (no I/O; thousands of calls each) and takes a V8 CPU
 * profile (the inspector's Profiler, which is what `node --cpu-prof` uses) of the handler loop,
 * grouped by where the samples' code lives. Writes bench/results/profile.md (and the raw
 * profile to dist/bench/get.cpuprofile, for Chrome DevTools).
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { operations } from '../src/api/operations';
import { loadConfig } from '../src/config';
import { buildDeps, setDeps } from '../src/deps';
import { tableStorage } from '../src/storage';
import { relationshipKey } from '../src/storage/layout';
import { relationshipView } from '../src/http/wire';
import type { Partner, Relationship } from '../src/domain/model';
import { authorizePartner } from '../src/domain/access';
import { enrolPartners } from '../src/domain/operator';
import { findPartner } from '../src/domain/partners';
import { getRelationship } from '../src/domain/relationships';
import { contextLogger, requestIdOf } from '../src/http/endpoint';
import { encodePrincipal, readPrincipal } from '../src/http/principal';
import { freePort, startAzurite } from '../src/local/azurite';
import { loadFunctions, startRunner } from '../src/local/runner';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { tableName } from '../src/storage/tableRows';
import { RawTables } from './raw';
import { makeCustomers, seedRelationships } from './seed';
import { median } from './stats';

const ROOT = join(__dirname, '..', '..');
const WARM = 200;
const CALLS = 3000;
const CPU_CALLS = 20_000;

interface Layer {
  name: string;
  what: string;
  run: () => Promise<unknown>;
}

/**
 * Median latency per layer in ms: the layers take turns call by call (in a rotating order), so
 * that a slow moment of the shared machine touches them all alike.
 */
async function timeLayers(layers: Layer[]): Promise<Map<string, number>> {
  const latencies = new Map<string, number[]>(layers.map((l) => [l.name, []]));
  for (let i = 0; i < WARM + CALLS; i++) {
    for (let j = 0; j < layers.length; j++) {
      const layer = layers[(i + j) % layers.length]!;
      const t0 = performance.now();
      await layer.run();
      if (i >= WARM) latencies.get(layer.name)!.push(performance.now() - t0);
    }
  }
  return new Map([...latencies].map(([k, v]) => [k, median(v)]));
}

/** Microseconds per call of a CPU-only step. */
async function timeCpu(step: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < CPU_CALLS; i++) await step();
    rounds.push(((performance.now() - t0) * 1000) / CPU_CALLS);
  }
  return median(rounds.slice(1));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const BUCKETS: [string, RegExp][] = [
  ['zod', /node_modules\/zod\//],
  ['@azure/data-tables + core (SDK pipeline, serialisation)', /node_modules\/@azure\/(data-tables|core-|abort|logger)/],
  ['@azure/functions (HttpRequest, headers)', /node_modules\/@azure\/functions\//],
  ['undici / fetch (the SDK\u2019s HTTP client, Headers)', /node:internal\/deps\/undici|undici/],
  ['Node http / net / streams', /node:(internal\/)?(http|_http|net|stream|streams|timers|dns|events|buffer|url)/],
  ['src/http (endpoint, principal)', /dist\/src\/http\//],
  ['src/domain', /dist\/src\/domain\//],
  ['src/storage (adapter)', /dist\/src\/storage\//],
  ['functions/, bench/', /dist\/(functions|bench)\//],
];

function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle (waiting for Azurite)';
    if (functionName === '(program)') return 'V8 / native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  for (const [name, re] of BUCKETS) if (re.test(url)) return name;
  return url.startsWith('node:') ? 'other Node internals' : 'other';
}

/** Self time per bucket (ms per request), and the inclusive time of the project's own frames. */
function analyse(profile: CpuProfile, requests: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    const bucket = bucketOf(node);
    self.set(bucket, (self.get(bucket) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const m = /dist\/(src\/[\w/]+|functions\/\w+)\.js$/.exec(f.url);
      if (!m || !f.functionName) continue;
      const key = `${f.functionName} (${m[1]})`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  const per = (m: Map<string, number>) =>
    [...m].map(([k, v]) => ({ name: k, msPerRequest: v / requests })).sort((a, b) => b.msPerRequest - a.msPerRequest);
  return { self: per(self), inclusive: per(inclusive) };
}

async function main(): Promise<void> {
  const azurite = await startAzurite({ port: await freePort() });
  try {
    const config = loadConfig({
      TABLES_CONNECTION_STRING: azurite.connectionString,
      PUBLIC_BASE_URL: 'http://localhost:7071',
      INVITATION_SIGNING_KEY: randomBytes(32).toString('base64url'),
    });
    const storage = tableStorage(config);
    const deps = buildDeps(config, storage);
    setDeps(deps);
    const partner: Partner = { id: randomUUID(), name: 'Profiled Reseller', kind: 'reseller', indirectProviderIds: [] };
    await enrolPartners(deps, [partner]);
    const customers = makeCustomers(100);
    await seedRelationships(storage.rows, partner.id, customers, { layout: 'full' });
    const customerId = customers[0]!.customerId;
    const raw = new RawTables(azurite.connectionString, tableName(config.tablePrefix, 'data'));
    const functions = await loadFunctions(join(ROOT, 'dist', 'functions'));
    const handler = functions.find((f) => f.operation.name === 'getRelationship')!.handler;
    const principal = encodePrincipal({ tenantId: partner.id, userId: 'u-profile', name: 'agent@profile.example', roles: ['AdminAgent'] });
    const url = `http://localhost:7071/api/relationships/${customerId}`;
    const headers = { 'x-ms-client-principal': principal, host: 'localhost:7071', 'user-agent': 'autocannon', connection: 'keep-alive' };
    const newRequest = () =>
      new HttpRequest({ method: 'GET', url, headers, query: {}, params: { customerId }, body: { bytes: Buffer.alloc(0) } });
    const newContext = () => new InvocationContext({ invocationId: randomUUID(), functionName: 'getRelationship', logHandler: () => {} });
    const ready = newRequest();
    const readyContext = newContext();
    await findPartner(deps.directory, partner.id); // cached, as in steady state

    const check = (await handler(ready, readyContext)) as HttpResponseInit;
    if (check.status !== 200) throw new Error(`the handler answered ${check.status}`);

    const layers: Layer[] = [
      {
        name: 'raw',
        what: 'plain TableClient.getEntity (the floor)',
        run: () => raw.pointRead(partner.id, relationshipKey(customerId)),
      },
      { name: 'adapter', what: 'PartnerStore.relationship', run: () => deps.store.relationship(partner.id, customerId) },
      { name: 'domain', what: 'getRelationship (domain)', run: () => getRelationship(deps, partner, customerId) },
      { name: 'handler', what: 'the handler, request ready', run: async () => handler(ready, readyContext) },
      {
        name: 'invocation',
        what: 'HttpRequest + InvocationContext + handler + JSON reply',
        run: async () => {
          const res = (await handler(newRequest(), newContext())) as HttpResponseInit;
          return JSON.stringify(res.jsonBody);
        },
      },
    ];
    const runner = await startRunner({ port: await freePort(), log: () => {} });
    const bare = createServer((_req, res) => {
      void raw.pointRead(partner.id, relationshipKey(customerId)).then((etag) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ etag }));
      });
    });
    const barePort = await freePort();
    await new Promise<void>((resolve) => bare.listen(barePort, '127.0.0.1', () => resolve()));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = `/api/relationships/${customerId}`;
    const get = (port: number) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { 'x-ms-client-principal': principal } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end();
      });
    layers.push(
      { name: 'bare http', what: 'raw point read behind a bare node:http server (no service code)', run: () => get(barePort) },
      { name: 'http', what: 'GET over loopback HTTP through the local runner', run: () => get(runner.port) },
    );
    const wall = await timeLayers(layers);
    agent.destroy();
    await runner.close();
    await new Promise<void>((resolve) => bare.close(() => resolve()));

    const doc = (await storage.rows.get('data', partner.id, relationshipKey(customerId)))!;
    const parsedPrincipal = readPrincipal(ready.headers)!;
    const view = relationshipView(JSON.parse(String(doc.data.doc)) as Relationship);
    const cpu: { step: string; us: number }[] = [];
    const steps: [string, () => unknown][] = [
      ['new HttpRequest (the runner/worker builds it)', newRequest],
      ['new InvocationContext', newContext],
      ['requestIdOf + contextLogger', () => contextLogger(readyContext, requestIdOf(ready, readyContext))],
      ['readPrincipal (base64 + JSON + zod claims + zod uuid)', () => readPrincipal(ready.headers)],
      ['authorizePartner (cached partner)', () => authorizePartner(deps, parsedPrincipal)],
      ['params: zod safeParse of { customerId }', () => operations.getRelationship.params.safeParse(ready.params)],
      ['JSON.parse(doc) + relationshipView', () => relationshipView(JSON.parse(String(doc.data.doc)) as Relationship)],
      [
        'reply headers + JSON.stringify(view)',
        () => ({ h: { 'X-Content-Type-Options': 'nosniff', ETag: view.etag }, b: JSON.stringify(view) }),
      ],
    ];
    for (const [step, fn] of steps) cpu.push({ step, us: await timeCpu(fn) });

    // The V8 profile of the handler loop only.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
    await session.post('Profiler.start');
    const profiled = 3000;
    for (let i = 0; i < profiled; i++) await handler(newRequest(), newContext());
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    mkdirSync(join(ROOT, 'dist', 'bench'), { recursive: true });
    writeFileSync(join(ROOT, 'dist', 'bench', 'get.cpuprofile'), JSON.stringify(profile));
    const analysed = analyse(profile, profiled);

    const ms = (n: number) => n.toFixed(3);
    const rawMs = wall.get('raw')!;
    const lines = [
      '# Where a `get` spends its time',
      '',
      `Run ${new Date().toISOString()}, Node ${process.version}, one Azurite in memory (100 customers with all their rows). \`npm run bench:profile\` (bench/profile.ts).`,
      '',
      `## Layers (median latency per request of ${CALLS} sequential calls each, the layers taking turns call by call)`,
      '',
      '| layer | what | ms per request | over the raw read |',
      '|---|---|---:|---:|',
      ...layers.map((l) => {
        const v = wall.get(l.name)!;
        return `| ${l.name} | ${l.what} | ${ms(v)} | +${ms(v - rawMs)} (${(v / rawMs).toFixed(2)}×) |`;
      }),
      '',
      `Split of the HTTP request's ${ms(wall.get('http')! - rawMs)} ms over the raw read: loopback HTTP transport (bare http − raw) ${ms(wall.get('bare http')! - rawMs)} ms; the service's code in-process (invocation − raw) ${ms(wall.get('invocation')! - rawMs)} ms, of which the handler itself (handler − raw) ${ms(wall.get('handler')! - rawMs)} ms; the local runner's own request handling (the rest) ${ms(wall.get('http')! - wall.get('bare http')! - (wall.get('invocation')! - rawMs))} ms.`,
      '',
      `## CPU-only steps (µs per call, median of 4 rounds of ${CPU_CALLS.toLocaleString('en')} calls)`,
      '',
      '| step | µs |',
      '|---|---:|',
      ...cpu.map((c) => `| ${c.step} | ${c.us.toFixed(1)} |`),
      '',
      `## V8 CPU profile of ${profiled} handler invocations (HttpRequest and InvocationContext built each time), sampled every 50 µs`,
      '',
      'Self time by where the code lives, in ms per request (idle: the process waits for Azurite, a separate process):',
      '',
      '| where | ms per request |',
      '|---|---:|',
      ...analysed.self.filter((s) => s.msPerRequest >= 0.001).map((s) => `| ${s.name} | ${ms(s.msPerRequest)} |`),
      '',
      "Inclusive time of the project's own frames (with everything they call), in ms per request:",
      '',
      '| frame | ms per request |',
      '|---|---:|',
      ...analysed.inclusive.slice(0, 15).map((s) => `| ${s.name} | ${ms(s.msPerRequest)} |`),
      '',
    ];
    const md = lines.join('\n');
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'profile.md'), md);
    console.log(md);
  } finally {
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
