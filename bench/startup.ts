/**
 * Cold start: how long a fresh Node process takes to import the deployed bundle (dist/main.js)
 * against the floor (bench/floor/getPartner.ts, bundled the same way: `@azure/functions` and
 * `@azure/data-tables`, one point read), with a bare `require('@azure/functions')` and the
 * unbundled per-file build for reference; then how long until its first response (GET
 * /api/partners/me through the function's own handler: the import, config, adapters, the first
 * storage call); and proof that importing opens no storage or email connection.
 *
 * Storage goes through a TCP relay to Azurite that notes when each connection is opened; the
 * email endpoint is a local TCP server that only counts connections. A connection opened
 * before the process says its imports are done would mean that importing connects.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { azuriteConnectionString, azuriteQueueConnectionString } from '../src/local/azurite';
import { ROOT, buildFloorBundle, deployedBundle, type BundlePart } from './bundle';
import { median } from './stats';

const run = promisify(execFile);

/**
 * Run with `node -e` in each fresh process (not from a file, so that it needs nothing of dist/
 * but what it measures). argv: the registry module ('-' for none), then the files to require
 * (none: a bare `require('@azure/functions')`). It requires them, waits a moment, notes the
 * open sockets and the time, then (with a registry) answers one request through the
 * getPartner handler, and prints one JSON line.
 */
const PROBE = `
const [registry, ...files] = process.argv.slice(1);
const t0 = performance.now();
if (files.length === 0) require('@azure/functions');
else for (const file of files) require(file);
const t1 = performance.now();
setTimeout(async () => {
  const sockets = process.getActiveResourcesInfo().filter((r) => /TCP|TLS|UDP|GetAddrInfo|Dns/i.test(r));
  const importDoneAt = performance.timeOrigin + performance.now();
  let firstResponseMs, status;
  if (registry !== '-') {
    const { HttpRequest, InvocationContext } = require('@azure/functions');
    const fn = require(registry).registeredFunctions().find((f) => f.operation.name === 'getPartner');
    const t2 = performance.now();
    const res = await fn.handler(
      new HttpRequest({ url: 'http://localhost:7071/api/partners/me', method: 'GET', headers: { 'x-ms-client-principal': process.env.BENCH_PRINCIPAL } }),
      new InvocationContext({ functionName: 'getPartner', logHandler: () => {} }),
    );
    firstResponseMs = t1 - t0 + (performance.now() - t2);
    status = res.status;
  }
  const lazyLoaded = Object.keys(require.cache).filter((f) => /[\\\\/]lazy[\\\\/]/.test(f)).map((f) => require('path').basename(f));
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, sinceProcessStartMs: t1, sockets, importDoneAt, firstResponseMs, status, lazyLoaded }) + '\\n');
}, 150);
`;

export interface StartupVariant {
  name: string;
  description: string;
  /** Median time of the imports themselves. */
  importMs: number;
  /** Median time from process start until the imports are done (includes Node's own boot). */
  sinceProcessStartMs: number;
  /** Median of import + the first request's own time (undefined for the bare import). */
  firstResponseMs: number | undefined;
  runs: number;
  /** Every run's import and first response, in run order (rounds interleaved). */
  importRuns: number[];
  firstResponseRuns: number[];
  /** Sockets open after the imports, across all runs. */
  sockets: string[];
  /** The bundle's lazy parts (dist/lazy/) loaded by the import and the first response, across all runs. */
  lazyLoaded?: string[];
}

export interface StartupResult {
  variants: StartupVariant[];
  /** Storage connections opened before a process had finished importing, and email connections at any time. */
  connectionsAtImport: number;
  /** Storage connections opened in all (by the first requests). */
  storageConnections: number;
  /** The main bundle: its size, by part (esbuild metafile), and the parts it loads on demand. */
  bundle: { bytes: number; parts?: BundlePart[]; lazy?: BundlePart[] };
  floor: { bytes: number };
  /** Set when the cold start was measured apart from the rest (BENCH_ONLY=coldstart). */
  at?: string;
  node?: string;
}

interface ProbeOutput {
  importMs: number;
  sinceProcessStartMs: number;
  sockets: string[];
  importDoneAt: number;
  firstResponseMs?: number;
  status?: number;
  lazyLoaded: string[];
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** `principal`: an x-ms-client-principal header of an enrolled partner on that Azurite. */
export async function measureStartup(runs: number, azuritePort: number, principal: string): Promise<StartupResult> {
  const bundle = await deployedBundle();
  const floor = await buildFloorBundle();
  const functionsDir = join(ROOT, 'dist', 'functions');
  if (!existsSync(functionsDir))
    throw new Error(`${functionsDir} is missing: run npm run build (did another build clean dist/ meanwhile?)`);
  const functionFiles = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => join(functionsDir, f));

  const storageOpened: number[] = [];
  const relay = createServer((client) => {
    storageOpened.push(Date.now());
    const upstream = connect(azuritePort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const emailOpened: number[] = [];
  const sink = createServer((socket) => {
    emailOpened.push(Date.now());
    socket.destroy();
  });
  const relayPort = await listen(relay);
  const sinkPort = await listen(sink);
  const env = {
    PATH: process.env.PATH ?? '',
    TABLES_CONNECTION_STRING: azuriteConnectionString(relayPort),
    // Writes announce their events on this queue; a read never touches it (the sink would see it).
    QUEUES_CONNECTION_STRING: azuriteQueueConnectionString(sinkPort),
    ACS_CONNECTION_STRING: `endpoint=https://127.0.0.1:${sinkPort}/;accesskey=${randomBytes(32).toString('base64')}`,
    EMAIL_SENDER_ADDRESS: 'donotreply@bench.example',
    PUBLIC_BASE_URL: 'http://localhost:7071',
    INVITATION_SIGNING_KEY: randomBytes(32).toString('base64url'),
    BENCH_PRINCIPAL: principal,
  };

  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const variants = [
    { name: 'bare', description: "require('@azure/functions') only (reference)", args: ['-'] },
    {
      name: 'floor',
      description: `the floor: one function, @azure/functions + @azure/data-tables, one point read, bundled the same way (${kib(floor.bytes)})`,
      args: [floor.file, floor.file],
    },
    {
      name: 'bundle',
      description: `the deployed bundle, dist/main.js: all ${functionFiles.length} functions, the parts loaded on demand apart (${kib(bundle.bytes)})`,
      args: [bundle.file, bundle.file],
    },
    {
      name: 'functions',
      description: `all ${functionFiles.length} dist/functions/*.js, unbundled (reference: what deployed before)`,
      args: [join(ROOT, 'dist', 'src', 'http', 'register.js'), ...functionFiles],
    },
  ];
  const outputs = new Map<string, ProbeOutput[]>(variants.map((v) => [v.name, []]));
  let connectionsAtImport = 0;
  try {
    // Interleaved, so that a slow moment of the machine touches every variant alike.
    for (let i = 0; i < runs + 1; i++) {
      for (const v of variants) {
        const startedAt = Date.now();
        const { stdout } = await run(process.execPath, ['-e', PROBE, ...v.args], { cwd: ROOT, env, timeout: 30_000 });
        const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeOutput;
        connectionsAtImport += storageOpened.filter((t) => t >= startedAt && t < out.importDoneAt).length;
        if (out.status !== undefined && out.status !== 200)
          throw new Error(`start-up probe (${v.name}): the first request answered ${out.status}`);
        if (i > 0) outputs.get(v.name)!.push(out); // the first round only warms the disk cache
      }
    }
  } finally {
    await close(relay);
    await close(sink);
  }
  return {
    variants: variants.map((v) => {
      const o = outputs.get(v.name)!;
      const first = o.map((x) => x.firstResponseMs).filter((x): x is number => x !== undefined);
      return {
        name: v.name,
        description: v.description,
        importMs: median(o.map((x) => x.importMs)),
        sinceProcessStartMs: median(o.map((x) => x.sinceProcessStartMs)),
        firstResponseMs: first.length ? median(first) : undefined,
        runs: o.length,
        importRuns: o.map((x) => x.importMs),
        firstResponseRuns: first,
        sockets: [...new Set(o.flatMap((x) => x.sockets))],
        lazyLoaded: [...new Set(o.flatMap((x) => x.lazyLoaded))].sort(),
      };
    }),
    connectionsAtImport: connectionsAtImport + emailOpened.length,
    storageConnections: storageOpened.length,
    bundle: { bytes: bundle.bytes, parts: bundle.parts, lazy: bundle.lazy },
    floor: { bytes: floor.bytes },
  };
}
