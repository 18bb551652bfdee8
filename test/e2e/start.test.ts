/** `npm start` as a newcomer runs it: the built runner in its own process, with its own Azurite. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/azurite';
import { principalHeader } from '../support/harness';

const START = join(__dirname, '..', '..', 'dist', 'src', 'local', 'start.js');
const DEMO_RESELLER = '8c2f4a51-3b7e-4d1a-9f60-2b5e7c9d1a01';
const DEMO_OPERATOR = '0c0a7e11-0b5e-4e2a-9d3c-6f1e2d3c4b05';

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  return env;
}

function run(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe.skipIf(!existsSync(START))('npm start', () => {
  it('starts Azurite, seeds the demo partners, serves the API, and Ctrl-C stops everything', async () => {
    const [port, azurite, queues] = [await freePort(), await freePort(), await freePort()];
    const t0 = Date.now();
    const { child, output, exited } = run(
      cleanEnv({ PORT: String(port), AZURITE_TABLE_PORT: String(azurite), AZURITE_QUEUE_PORT: String(queues) }),
    );
    try {
      while (!output().includes('Ctrl-C stops everything')) {
        if (child.exitCode !== null) throw new Error(output());
        if (Date.now() - t0 > 60_000) throw new Error(`not ready within 60 s:\n${output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const ready = Date.now() - t0;
      console.log(`npm start (without the build) ready in ${ready} ms`);
      expect(output()).toContain(`curl http://localhost:${port}/api/health`);
      expect(output()).toContain('INVITATION_SIGNING_KEY not set: using a random key');
      const health = await fetch(`http://localhost:${port}/api/health`);
      expect(health.status).toBe(200);
      // One log line per request, as `func start` prints: method, path, status, ms, request id.
      const line = new RegExp(`GET /api/health 200 \\d+ ms ${health.headers.get('x-request-id')}\n`);
      for (let i = 0; i < 40 && !line.test(output()); i++) await new Promise((r) => setTimeout(r, 25));
      expect(output()).toMatch(line);
      const me = await fetch(`http://localhost:${port}/api/partners/me`, {
        headers: { 'x-ms-client-principal': principalHeader({ tenantId: DEMO_RESELLER }) },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { name: string }).name).toBe('Fabrikam Cloud Resellers');
      // The demo operator (README, "Operator") sees the demo partners, enrolled and audited by the seed.
      expect(output()).toContain(
        `OPERATOR_TENANT_ID not set: the operator API (/api/admin) takes the Operator role of tenant ${DEMO_OPERATOR}`,
      );
      const partners = await fetch(`http://localhost:${port}/api/admin/partners`, {
        headers: { 'x-ms-client-principal': principalHeader({ tenantId: DEMO_OPERATOR, roles: ['Operator'] }) },
      });
      expect(partners.status).toBe(200);
      expect(((await partners.json()) as { items: { id: string }[] }).items.map((p) => p.id)).toContain(DEMO_RESELLER);
      expect(await portOpen(azurite)).toBe(true);
      expect(await portOpen(queues)).toBe(true);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(azurite)).toBe(false);
    expect(await portOpen(queues)).toBe(false);
  });

  it.each([
    [{ INVITATION_TTL_DAYS: '0' }, 'INVITATION_TTL_DAYS'],
    [{ PORT: 'http' }, 'PORT'],
    [{ PUBLIC_BASE_URL: 'http://public.example.com' }, 'PUBLIC_BASE_URL'],
    [{ CORS_ALLOWED_ORIGINS: 'not an origin' }, 'CORS_ALLOWED_ORIGINS'],
  ])('a bad setting %j stops start-up with a message naming %s', async (patch, name) => {
    const { output, exited } = run(
      cleanEnv({
        PORT: String(await freePort()),
        AZURITE_TABLE_PORT: String(await freePort()),
        AZURITE_QUEUE_PORT: String(await freePort()),
        ...patch,
      }),
    );
    expect(await exited).toBe(1);
    expect(output()).toContain(name);
    expect(output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    // The random-key note belongs to a start that worked.
    expect(output()).not.toContain('INVITATION_SIGNING_KEY not set');
  });

  it('an origin without a scheme is one line naming it (not two lines labelled .0)', async () => {
    const { output, exited } = run(cleanEnv({ CORS_ALLOWED_ORIGINS: 'localhost:5173, http://localhost:3000' }));
    expect(await exited).toBe(1);
    const lines = output()
      .split('\n')
      .filter((l) => l.includes('CORS_ALLOWED_ORIGINS'));
    expect(lines).toEqual([
      '  CORS_ALLOWED_ORIGINS: "localhost:5173" is not an origin: write scheme://host[:port] without a path, such as http://localhost:5173',
    ]);
  });

  it('the API port in use is told as the Azurite port is (no raw EADDRINUSE), before Azurite starts', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const azurite = await freePort();
    try {
      const { output, exited } = run(cleanEnv({ PORT: String(port), AZURITE_TABLE_PORT: String(azurite) }));
      expect(await exited).toBe(1);
      expect(output().trim()).toBe(`Start-up failed: Port ${port} is already in use; set PORT to a free port.`);
      expect(await portOpen(azurite)).toBe(false);
    } finally {
      busy.close();
    }
  });

  it('storage that does not answer is named (endpoint and setting), without the account key', async () => {
    const nothing = await freePort();
    const cs = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${'k'.repeat(86)}==;TableEndpoint=http://127.0.0.1:${nothing}/devstoreaccount1;`;
    const { output, exited } = run(cleanEnv({ PORT: String(await freePort()), TABLES_CONNECTION_STRING: cs }));
    expect(await exited).toBe(1);
    expect(output()).toContain(
      `Table Storage does not answer at http://127.0.0.1:${nothing}/devstoreaccount1 (from TABLES_CONNECTION_STRING)`,
    );
    expect(output()).not.toContain('kkkk');
    expect(output()).not.toContain('try again shortly');
    expect(output()).not.toContain('INVITATION_SIGNING_KEY not set');
  });
});
