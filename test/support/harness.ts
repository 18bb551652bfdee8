/**
 * Test harness: the real service (config, Table Storage on the run's Azurite, every function
 * through the local runner over real HTTP) with this file's own table prefix.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { buildDeps, setDeps, type AppDeps } from '../../src/deps';
import { enrolPartners } from '../../src/domain/operator';
import type { Partner } from '../../src/domain/model';
import { encodePrincipal } from '../../src/http/principal';
import { freePort } from '../../src/local/azurite';
import { startQueuePollers } from '../../src/local/queues';
import { loadFunctions, startRunner, type RunnerOptions, type RunningServer } from '../../src/local/runner';
import { tableStorage } from '../../src/storage';
import { deliverMessage } from '../../src/domain/delivery';
import { parseEventMessage } from '../../src/queue/messages';
import { StorageEventQueue } from '../../src/queue/storageQueue';
import { queueNameFor, waitingQueueNameFor } from '../../src/config';
import { startFakeAcs, type FakeAcs } from './fakeAcs';
import { checkResponse, disagreements } from './openapiCheck';
import type { Rows } from '../../src/storage/rows';

export const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions');

export interface Who {
  tenantId: string;
  roles?: string[];
  name?: string;
  userId?: string;
}

export function principalHeader(who: Who): string {
  return encodePrincipal({
    tenantId: who.tenantId,
    userId: who.userId ?? `user-${who.tenantId.slice(0, 8)}`,
    name: who.name ?? `admin@${who.tenantId.slice(0, 8)}.example`,
    roles: who.roles ?? ['AdminAgent'],
  });
}

export interface Service {
  url: string;
  deps: AppDeps;
  /** The rows under the store: tests read the storage layout through them. */
  rows: Rows;
  runner: RunningServer;
  /** Storage round trips so far, by operation. */
  roundTrips: string[];
  logs: string[];
  close(): Promise<void>;
}

export interface ServiceOptions extends Pick<RunnerOptions, 'portalDir'> {
  /** Run the queue triggers (webhook delivery) as the local runner does. */
  queues?: boolean;
}

/** Starts a server on a free port, choosing another should the port be taken meanwhile. */
async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      if (attempt >= 5 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
}

export async function startService(
  overrides: Partial<Config> = {},
  corsOrigins: string[] = [],
  options: ServiceOptions = {},
): Promise<Service> {
  await loadFunctions(FUNCTIONS_DIR, '.ts');
  const logs: string[] = [];
  const log = (level: string, message: string) => logs.push(`[${level}] ${message}`);
  const runner = await onFreePort((port) =>
    startRunner({ ...(options.portalDir ? { portalDir: options.portalDir } : {}), port, corsOrigins, log }),
  );
  // The service's state, before any request can reach the runner (none has its address yet).
  const config: Config = { ...loadConfig({ ...process.env, PUBLIC_BASE_URL: runner.url }), ...overrides };
  const roundTrips: string[] = [];
  const storage = tableStorage(config, { onRoundTrip: (op) => roundTrips.push(op) });
  const deps = buildDeps(config, storage);
  setDeps(deps);
  const stopQueues = options.queues ? startQueuePollers({ config, log, intervalMs: 100 }) : undefined;
  return {
    url: runner.url,
    deps,
    rows: storage.rows,
    runner,
    roundTrips,
    logs,
    close: async () => {
      await stopQueues?.();
      await runner.close();
    },
  };
}

export interface World {
  reseller: Partner;
  provider: Partner;
  otherReseller: Partner;
  otherProvider: Partner;
}

/** Enrols a fresh set of partners: a reseller linked to a provider, and an unrelated pair. */
export async function seedWorld(deps: Pick<AppDeps, 'store' | 'directory' | 'clock'>): Promise<World> {
  const provider: Partner = { id: randomUUID(), name: 'Northwind Distribución', kind: 'indirectProvider', indirectProviderIds: [] };
  const otherProvider: Partner = { id: randomUUID(), name: 'Other Provider', kind: 'indirectProvider', indirectProviderIds: [] };
  const reseller: Partner = { id: randomUUID(), name: 'Fabrikam & Co <Resellers>', kind: 'reseller', indirectProviderIds: [provider.id] };
  const otherReseller: Partner = { id: randomUUID(), name: 'Tailspin', kind: 'reseller', indirectProviderIds: [otherProvider.id] };
  await enrolPartners(deps, [provider, otherProvider, reseller, otherReseller]);
  return { reseller, provider, otherReseller, otherProvider };
}

/** The service with a fresh set of partners: `beforeAll(async () => ({ svc, w } = await startWorld()))`. */
export async function startWorld(
  overrides: Partial<Config> = {},
  corsOrigins: string[] = [],
  options: ServiceOptions = {},
): Promise<{ svc: Service; w: World }> {
  const svc = await startService(overrides, corsOrigins, options);
  return { svc, w: await seedWorld(svc.deps) };
}

/** The world with email through a loopback Communication Services (test/support/fakeAcs.ts). */
export async function startWorldWithEmail(
  sender = 'DoNotReply@fabrikam.example',
): Promise<{ svc: Service; w: World; acs: FakeAcs; close: () => Promise<void> }> {
  const acs = await startFakeAcs();
  const { svc, w } = await startWorld({ email: { kind: 'connectionString', connectionString: acs.connectionString(), sender } });
  return { svc, w, acs, close: async () => (await svc.close(), await acs.close()) };
}

export interface CallOptions {
  as?: Who;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A fetch that returns status, headers and the parsed body (JSON when it is JSON). */
export async function call<T = any>(
  service: { url: string },
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.as) headers['x-ms-client-principal'] = principalHeader(opts.as);
  let body: string | Buffer | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${service.url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  disagreements.push(...checkResponse(method, path, res.status, res.headers.get('content-type'), parsed));
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export const adminOf = (partner: { id: string }, roles = ['AdminAgent']): Who => ({ tenantId: partner.id, roles });
export const customerAdmin = (tenantId: string = randomUUID()): Who => ({
  tenantId,
  roles: ['GlobalAdmin'],
  name: `ga@${tenantId.slice(0, 6)}.example`,
});

/**
 * Works the delivery queues' visible messages once (the due queue, then the waiting one), in this
 * process, as the host would (for a service started without `queues`, so that a test controls
 * when the work after the answer runs).
 */
export async function drainQueue(svc: Service): Promise<number> {
  const prefix = svc.deps.config.tablePrefix;
  let worked = 0;
  for (const name of [queueNameFor(prefix), waitingQueueNameFor(prefix)]) {
    const queue = StorageEventQueue.fromConfig(svc.deps.config, name);
    for (let batch = await queue.receive(32, 30); batch.length; batch = await queue.receive(32, 30)) {
      for (const m of batch) {
        const message = parseEventMessage(m.text);
        if (message) await deliverMessage(svc.deps, message);
        await queue.complete(m);
        worked++;
      }
    }
  }
  return worked;
}
