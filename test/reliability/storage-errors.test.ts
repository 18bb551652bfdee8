/**
 * Honest storage errors (issue 18, item 2): only a storage that cannot be reached (no answer:
 * connection refused, reset, timed out) is 503 `storage-unavailable`; storage ANSWERING 500 to
 * one request (Azurite's batch parser failing on a body, say) is an internal error, 500
 * problem+json, logged with what storage said, while health stays ok.
 *
 * Storage is reached through a loopback proxy in front of the run's Azurite that answers 500 to
 * the requests a test chooses; "unreachable" is a port where nothing listens.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/azurite';
import { adminOf, call, seedWorld, startService, type Service, type World } from '../support/harness';

const azurite = new URL(/TableEndpoint=([^;]+)/.exec(process.env.TABLES_CONNECTION_STRING ?? '')![1]!);
const withEndpoint = (endpoint: string) =>
  process.env.TABLES_CONNECTION_STRING!.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${endpoint}`);

interface Proxy {
  port: number;
  /** Answer 500 to the requests this says (method, path). */
  failWhen: (method: string, path: string) => boolean;
  failed: number;
  close(): Promise<void>;
}

async function startProxy(): Promise<Proxy> {
  const proxy: Proxy = { port: 0, failWhen: () => false, failed: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (proxy.failWhen(req.method ?? '', req.url ?? '')) {
        proxy.failed++;
        const body = JSON.stringify({
          'odata.error': { code: 'InternalError', message: { lang: 'en-US', value: 'The server encountered an internal error.' } },
        });
        res.writeHead(500, { 'content-type': 'application/json', 'x-ms-error-code': 'InternalError' });
        res.end(body);
        return;
      }
      const upstream = httpRequest(
        { host: azurite.hostname, port: azurite.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () => new Promise<void>((r) => server.close(() => r()));
  return proxy;
}

const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };

describe('storage answers 500 to one request', () => {
  let proxy: Proxy;
  let svc: Service;
  let w: World;
  beforeAll(async () => {
    proxy = await startProxy();
    svc = await startService({ tables: { connectionString: withEndpoint(`http://127.0.0.1:${proxy.port}${azurite.pathname}`) } });
    w = await seedWorld(svc.deps);
  });
  afterAll(async () => {
    await svc?.close();
    await proxy?.close();
  });

  it('a batch answered 500 is a 500 internal problem (not 503), logged with what storage said; health stays ok', async () => {
    proxy.failWhen = (method, path) => method === 'POST' && path.includes('$batch');
    try {
      const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body });
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ type: 'urn:reseller-relationships:problem:internal', status: 500 });
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.body.detail).not.toMatch(/InternalError|storage/i);
      expect(proxy.failed).toBeGreaterThan(0);
      const logged = svc.logs.filter((l) => l.includes(r.body.requestId)).join('\n');
      expect(logged).toMatch(/storage answered 500 InternalError to commit/);
      // Storage itself answers: health says so.
      const health = await call(svc, 'GET', '/api/health');
      expect(health.status).toBe(200);
    } finally {
      proxy.failWhen = () => false;
    }
    // And nothing was half-written: the next try works.
    expect((await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body })).status).toBe(201);
  });

  it('a read answered 500 is a 500 too', async () => {
    const created = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body });
    proxy.failWhen = (method, path) => method === 'GET' && path.includes(created.body.id);
    try {
      const r = await call(svc, 'GET', `/api/invitations/${created.body.id}`, { as: adminOf(w.reseller) });
      expect(proxy.failed).toBeGreaterThan(0);
      expect(r.status).toBe(500);
      expect(r.body.type).toMatch(/internal$/);
    } finally {
      proxy.failWhen = () => false;
    }
  });
});

describe('storage that cannot be reached', () => {
  let svc: Service;
  let w: World;
  beforeAll(async () => {
    const nobody = await freePort();
    svc = await startService({ tables: { connectionString: withEndpoint(`http://127.0.0.1:${nobody}${azurite.pathname}`) } });
    w = { reseller: { id: '00000000-0000-4000-8000-000000000001' } } as World;
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('health and every call are 503 storage-unavailable with Retry-After', async () => {
    const health = await call(svc, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.type).toBe('urn:reseller-relationships:problem:storage-unavailable');
    expect(health.headers.get('retry-after')).toBe('5');
    const create = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body });
    expect(create.status).toBe(503);
    expect(create.body.type).toMatch(/storage-unavailable$/);
  });
});
