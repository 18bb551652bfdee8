/**
 * In Azure the service runs on many instances at once: the send limits and the idempotency keys
 * must hold across them. Here instance A runs in the test's process and instance B in a process
 * of its own (test/support/instance.ts, under vite-node), with the same settings and the same
 * storage (the run's Azurite, this file's table prefix) and nothing else in common. Requests
 * alternate between them, sequentially and concurrently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/model';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';
import { adminOf, call, seedWorld, startService, type Service } from '../support/harness';
import { invite } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');
const PUBLIC_BASE_URL = 'https://relationships.example';
const SENDER = 'DoNotReply@fabrikam.example';
const PER_INVITATION = 2;
const PER_DAY = 4;

let acs: FakeAcs;
let a: Service;
let b: { url: string; child: ChildProcess; output: () => string };
const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };

async function startInstanceB(env: NodeJS.ProcessEnv): Promise<typeof b> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'vite-node'), [join(ROOT, 'test', 'support', 'instance.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  for (;;) {
    const m = /READY (\S+)/.exec(out);
    if (m) return { url: m[1]!, child, output: () => out };
    if (child.exitCode !== null) throw new Error(`instance B exited:\n${out}`);
    if (Date.now() - t0 > 50_000) throw new Error(`instance B not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  acs = await startFakeAcs();
  a = await startService({
    publicBaseUrl: PUBLIC_BASE_URL,
    email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: SENDER },
    sendLimits: { perInvitation: PER_INVITATION, perPartnerPerDay: PER_DAY },
  });
  // The same storage settings, signing key and table prefix (setupEnv.ts put them in process.env).
  b = await startInstanceB({
    ...process.env,
    PUBLIC_BASE_URL,
    ACS_CONNECTION_STRING: acs.connectionString(),
    EMAIL_SENDER_ADDRESS: SENDER,
    SEND_LIMIT_PER_INVITATION: String(PER_INVITATION),
    SEND_LIMIT_PER_PARTNER_PER_DAY: String(PER_DAY),
  });
}, 60_000);

afterAll(async () => {
  if (b?.child.exitCode === null) {
    const exited = new Promise((r) => b.child.once('exit', r));
    b.child.kill('SIGTERM');
    await exited;
  }
  await a?.close();
  await acs?.close();
});
beforeEach(() => acs.reset());

const instances = () => [a, b] as const;
const freshReseller = async (): Promise<Partner> => (await seedWorld(a.deps)).reseller;

const create = (on: { url: string }, reseller: Partner) => invite(on, reseller, body);
const send = (on: { url: string }, reseller: Partner, id: string, subject: string) =>
  call(on, 'POST', `/api/invitations/${id}/send`, { as: adminOf(reseller), body: { subject } });

describe('two instances on one storage', () => {
  it('are two processes answering the same data', async () => {
    expect(b.url).not.toBe(a.url);
    expect(b.child.pid).not.toBe(process.pid);
    const reseller = await freshReseller();
    const inv = await create(a, reseller);
    const there = await call(b, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(reseller) });
    expect(there.status).toBe(200);
    // Same public URL and signing key: the same link whichever instance drafts it.
    expect(there.body.url).toBe(inv.url);
  });

  it(`the per-invitation limit (${PER_INVITATION}) holds across instances`, async () => {
    const reseller = await freshReseller();
    const inv = await create(a, reseller);
    expect((await send(a, reseller, inv.id, 'one')).status).toBe(200);
    expect((await send(b, reseller, inv.id, 'two')).status).toBe(200);
    // A retry of a message sent through the other instance: answered, not counted.
    expect((await send(a, reseller, inv.id, 'two')).status).toBe(200);
    const overA = await send(a, reseller, inv.id, 'three');
    const overB = await send(b, reseller, inv.id, 'three');
    for (const r of [overA, overB]) {
      expect(r.status).toBe(429);
      expect(r.body.type).toMatch(/send-limit$/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(acs.sends.map((s) => s.body.content?.subject)).toEqual(['one', 'two']);
  });

  it(`the per-partner day limit (${PER_DAY}) holds across instances under concurrent sends`, async () => {
    const reseller = await freshReseller();
    const invs = await Promise.all(Array.from({ length: 10 }, (_, i) => create(instances()[i % 2]!, reseller)));
    const results = await Promise.all(invs.map((inv, i) => send(instances()[(i + 1) % 2]!, reseller, inv.id, `hello ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_DAY);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - PER_DAY);
    expect(acs.sends).toHaveLength(PER_DAY);
    // Both instances took part in the refusals and in the sends.
    expect(new Set(results.map((r, i) => `${(i + 1) % 2}:${r.status}`)).size).toBeGreaterThanOrEqual(3);
  });

  it('an Idempotency-Key holds across instances: a retry on the other instance gets the first answer', async () => {
    const reseller = await freshReseller();
    const key = `two-instances-${Date.now()}`;
    const headers = { 'Idempotency-Key': key };
    const first = await call(a, 'POST', '/api/invitations', { as: adminOf(reseller), body, headers });
    const retry = await call(b, 'POST', '/api/invitations', { as: adminOf(reseller), body, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    const other = await call(b, 'POST', '/api/invitations', {
      as: adminOf(reseller),
      body: { customer: { ...body.customer, companyName: 'Other' } },
      headers,
    });
    expect(other.status).toBe(422);
    const list = await call(b, 'GET', '/api/invitations?status=all', { as: adminOf(reseller) });
    expect(list.body.items).toHaveLength(1);
  });

  it('concurrent requests with one key on both instances create one invitation', async () => {
    const reseller = await freshReseller();
    const headers = { 'Idempotency-Key': `race-${Date.now()}` };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(instances()[i % 2]!, 'POST', '/api/invitations', { as: adminOf(reseller), body, headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const list = await call(a, 'GET', '/api/invitations?status=all', { as: adminOf(reseller) });
    expect(list.body.items).toHaveLength(1);
  });
});
