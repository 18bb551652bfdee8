/**
 * The deployed artifact end to end: the esbuild bundle (scripts/build.mjs, what package.json
 * "main" points at and azd deploys) served by the local runner over real HTTP, on Azurite.
 * Nothing here loads a function file from the sources: the runner adopts the bundle's own
 * registry, and the bundle builds its config and adapters itself, on the first request, from
 * the environment, as it does in Azure. The parts it loads on demand (scripts/build.mjs, `LAZY`)
 * load when they are first needed, and not before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi';
import { operations } from '../../src/api/operations';
import { loadConfig } from '../../src/config';
import { buildDeps } from '../../src/deps';
import { freePort } from '../../src/local/azurite';
import { loadFunctions, startRunner, type RunningServer } from '../../src/local/runner';
import { registeredFunctions, registeredQueueTriggers, registeredTimers } from '../../src/http/register';
import { adminOf, call, customerAdmin, seedWorld, type World } from '../support/harness';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'bundle-e2e-'));
const BUNDLE = join(dir, 'main.js');
/** The bundle's lazy parts this process has loaded so far, by name. */
const loadedParts = () =>
  Object.keys(require.cache)
    .filter((f) => f.startsWith(join(dir, 'lazy')))
    .map((f) => basename(f, '.js'))
    .sort();

let svc: RunningServer;
let w: World;

beforeAll(async () => {
  const { buildBundle } = (await import(join(ROOT, 'scripts', 'build.mjs'))) as {
    buildBundle: (o: { outfile: string; sourcemap: boolean }) => Promise<{ functions: number }>;
  };
  await buildBundle({ outfile: BUNDLE, sourcemap: false });
  const port = await freePort();
  // Read by the bundle on its first request (not at import): invitation links point here.
  process.env.PUBLIC_BASE_URL = `http://localhost:${port}`;
  await loadFunctions(BUNDLE);
  svc = await startRunner({ port, log: () => {} });
  // The partners go in through this process's own adapter: same tables (TABLE_PREFIX), other code.
  w = await seedWorld(buildDeps(loadConfig()));
});

afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundle under the local runner', () => {
  it('registers every operation and the queue trigger, with the handlers of the bundle', () => {
    const bundle = require(BUNDLE) as { registeredFunctions: typeof registeredFunctions; registeredTimers: typeof registeredTimers };
    const served = registeredFunctions();
    expect(served.map((f) => f.operation.name).sort()).toEqual(Object.keys(operations).sort());
    expect(served.map((f) => f.handler)).toEqual(bundle.registeredFunctions().map((f) => f.handler));
    // The bundle's operations are its own copies (its own zod), not this process's.
    expect(served.find((f) => f.operation.name === 'getPartner')!.operation).not.toBe(operations.getPartner);
    expect(
      registeredTimers()
        .map(([name]) => name)
        .sort(),
    ).toEqual(['expireDelegatedAdmin', 'purgeEvents', 'warnEndingSoon']);
    expect(
      registeredQueueTriggers()
        .map(([name]) => name)
        .sort(),
    ).toEqual(['deliverEvents', 'deliverWaiting']);
  });

  it('answers a first read without loading any lazy part', async () => {
    const me = await call(svc, 'GET', '/api/partners/me', { as: adminOf(w.reseller) });
    expect(me.status, me.text).toBe(200);
    expect(loadedParts()).toEqual([]);
    // The health check's ping reads the table service's properties: an XML answer.
    expect((await call(svc, 'GET', '/api/health')).status).toBe(200);
    expect(loadedParts()).toEqual(['xml']);
  });

  it('answers the OpenAPI document made at build time, the same as the sources make', async () => {
    const doc = await call(svc, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toEqual(buildOpenApi());
    expect(loadedParts()).toEqual(['openapi', 'xml']);
  });

  it('invites, accepts, lists, gets, removes and audits', async () => {
    const me = await call(svc, 'GET', '/api/partners/me', { as: adminOf(w.reseller) });
    expect(me.status, me.text).toBe(200);
    expect(me.body.name).toBe(w.reseller.name);

    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Bundled Contoso', domain: 'bundled.example', email: 'it@bundled.example' } },
      headers: { 'accept-language': 'es' },
    });
    expect(inv.status, inv.text).toBe(201);
    expect(inv.body.url).toMatch(new RegExp(`^${svc.url}/api/`));
    // The first change announced its events: the queue client is loaded now; the identity never (connection strings).
    expect(loadedParts()).toEqual(['openapi', 'queue', 'xml']);
    expect((await call(svc, 'GET', `/api/invitations/${inv.body.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');

    const ga = customerAdmin();
    const page = await call(svc, 'GET', new URL(inv.body.url).pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const accepted = await call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: { decision: 'accept' } });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', customerId: ga.tenantId });

    const list = await call(svc, 'GET', '/api/relationships?q=bundled', { as: adminOf(w.reseller) });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { customerId: string }) => r.customerId)).toEqual([ga.tenantId]);

    const one = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) });
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe(one.body.etag);
    const removed = await call(svc, 'POST', `/api/relationships/${ga.tenantId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true, reason: 'Bundle test' },
      headers: { 'if-match': one.body.etag },
    });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.status).toBe('removed');

    const audit = await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) });
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(3);
  });

  it('answers errors as problem+json from the bundle', async () => {
    const anonymous = await call(svc, 'GET', '/api/partners/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(anonymous.body.type).toMatch(/^urn:reseller-relationships:problem:/);
    expect(anonymous.body.requestId).toBe(anonymous.headers.get('x-request-id'));

    const bad = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      rawBody: '{"customer":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const stranger = await call(svc, 'GET', '/api/partners/me', { as: customerAdmin() });
    expect(stranger.status).toBe(403);
    expect(stranger.body.type).toMatch(/^urn:reseller-relationships:problem:/);
  });
});
