/**
 * `npm start`'s process (dist/src/local/start.js) started by a test that kills it (SIGKILL, a
 * crash) and starts it again on the same storage: its output, its exit, and when it is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const START = join(__dirname, '..', '..', 'dist', 'src', 'local', 'start.js');

export interface LocalProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

/** The settings of a second `npm start` on the test run's storage, serving on `port`. */
export function localEnv(port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    TABLES_CONNECTION_STRING: process.env.TABLES_CONNECTION_STRING,
    QUEUES_CONNECTION_STRING: process.env.QUEUES_CONNECTION_STRING,
    TABLE_PREFIX: process.env.TABLE_PREFIX,
    INVITATION_SIGNING_KEY: process.env.INVITATION_SIGNING_KEY,
    PUBLIC_BASE_URL: `http://localhost:${port}`,
    ...extra,
  };
}

export function startLocalProcess(env: NodeJS.ProcessEnv): LocalProcess {
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, output: () => out, exited };
}

/** Resolves once the process says it serves (`npm start`'s last line); its output if it exits first. */
export async function ready(p: LocalProcess, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!p.output().includes('Ctrl-C stops everything')) {
    if (p.child.exitCode !== null) throw new Error(p.output());
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ready:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
