/**
 * Starts Azurite's Table service from the npm package as a child process: loopback only,
 * telemetry off, in memory (or on disk with `location`). Used by `npm start`, the tests and
 * the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(port: number, host = '127.0.0.1'): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};`;
}

/** The connection string of an Azurite Queue service (the webhook delivery queue). */
export function azuriteQueueConnectionString(port: number, host = '127.0.0.1'): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};QueueEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};`;
}

export interface AzuriteOptions {
  port: number;
  /** Which of Azurite's services (default: table). */
  service?: 'table' | 'queue';
  /** A folder to persist to; in memory when absent. */
  location?: string;
  /** Print Azurite's own output (off by default). */
  verbose?: boolean;
}

export interface RunningAzurite {
  port: number;
  connectionString: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** True when something listens on the loopback port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const service = options.service ?? 'table';
  if (await portAnswers(options.port)) {
    throw new Error(`Port ${options.port} is already in use; set AZURITE_${service.toUpperCase()}_PORT to a free port.`);
  }
  const args = [
    require.resolve(`azurite/dist/src/${service}/main.js`),
    `--${service}Host`,
    '127.0.0.1',
    `--${service}Port`,
    String(options.port),
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--silent',
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
  ];
  // In memory, Azurite still wants a working folder for its own files: a fresh temporary one.
  const cwd = options.location ?? mkdtempSync(join(tmpdir(), 'azurite-'));
  const child = spawn(process.execPath, args, { cwd, stdio: options.verbose ? 'inherit' : ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited (code ${child.exitCode}): ${stderr.trim()}`);
    if (await portAnswers(options.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Azurite did not start on port ${options.port} within 20 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port: options.port,
    connectionString: service === 'queue' ? azuriteQueueConnectionString(options.port) : azuriteConnectionString(options.port),
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGINT, not SIGTERM: Azurite's Table server saves its on-disk database (`location`)
      // only on SIGINT; SIGTERM ends it at once, losing what it acknowledged since its last
      // autosave (every 5 s), tables included (test/reliability/outage.test.ts).
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Ports handed out by `freePort`: below Linux's ephemeral range (32768–60999), so no outgoing
 * connection of a test (each takes an ephemeral port) can take the port between `freePort`
 * answering and the caller listening on it; above the well-known and most registered ports.
 */
const FREE_PORT_RANGE = { from: 20_000, to: 32_000 } as const;

/** True when a server can listen on the loopback port now. */
async function canListen(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on loopback: a random one of FREE_PORT_RANGE that can be listened on, or
 * (should 50 tries all be taken) one the OS chooses. The CI once lost a run to an OS-chosen port
 * that an outgoing connection took before the test's server listened on it (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = FREE_PORT_RANGE.from + Math.floor(Math.random() * (FREE_PORT_RANGE.to - FREE_PORT_RANGE.from));
    if (await canListen(port)) return port;
  }
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
