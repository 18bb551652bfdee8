/**
 * Webhook targets as in Azure (WEBHOOK_ALLOW_PRIVATE_TARGETS unset): https only, and no host
 * that resolves to a loopback, private, link-local, CGNAT or metadata address, refused at
 * registration with one and the same answer, and again at each delivery after resolution.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpWebhookTransport } from '../../src/webhooks/transport';
import { isPublicAddress } from '../../src/webhooks/targets';
import { freePort } from '../../src/local/azurite';
import { adminOf, call, seedWorld, startWorld, type Service, type World } from '../support/harness';

let svc: Service;
let w: World;
let server: Server;
let hits = 0;
let port = 0;

beforeAll(async () => {
  ({ svc, w } = await startWorld({ webhooks: { allowPrivateTargets: false, retryScale: 1 } }));
  server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await svc.close();
  await new Promise((r) => server.close(r));
});

describe('registration refusals', () => {
  const refused = [
    'http://receiver.example/hook',
    'https://127.0.0.1/hook',
    'https://127.8.9.10/hook',
    'https://10.0.0.7/hook',
    'https://172.16.4.4/',
    'https://192.168.1.1/',
    'https://100.64.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://0.0.0.0/',
    'https://[::1]/',
    'https://[::]/',
    'https://[fd00:ec2::254]/',
    'https://[fe80::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    // Names: one that resolves to loopback, one that does not resolve at all.
    'https://localhost/hook',
    `https://localhost:${8443}/hook`,
    'https://receiver.invalid/hook',
  ];

  it.each(refused)('%s is refused with the same 400 as every other', async (url) => {
    const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(w.reseller), body: { url } });
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/webhook-url-refused$/);
    expect(r.body.detail).toBe(
      'The webhook URL is refused: it must be https, on port 443 or 1024 and above, and its host must resolve to public addresses only.',
    );
    expect(r.body.errors).toEqual({
      url: ['must be https, on port 443 or 1024 and above, and its host must resolve to public addresses only'],
    });
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(w.reseller) })).status).toBe(404);
  });
});

describe('delivery-time checks', () => {
  const transport = new HttpWebhookTransport({ allowPrivateTargets: false });

  it('refuses a name that resolves to loopback after resolution, without connecting (no DNS rebinding)', async () => {
    const before = hits;
    // http is refused outright; over https the resolution is checked by the socket's own lookup.
    for (const url of [
      `http://localhost:${port}/`,
      `https://localhost:${port}/`,
      `https://127.0.0.1:${port}/`,
      `https://[::ffff:127.0.0.1]:${port}/`,
    ])
      expect(await transport.post(url, {}, '{}')).toEqual({ error: 'connection-refused', excerpt: '' });
    expect(hits).toBe(before);
  });

  it('the same transport with private targets allowed (local runs) reaches it', async () => {
    const local = new HttpWebhookTransport({ allowPrivateTargets: true });
    const before = hits;
    expect(await local.post(`http://localhost:${port}/`, {}, '{}')).toEqual({ status: 200, excerpt: 'ok' });
    expect(hits).toBe(before + 1);
  });

  it('gives up on a receiver that does not answer within the attempt timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const t = new HttpWebhookTransport({ allowPrivateTargets: true, timeoutMs: 300 });
      const started = Date.now();
      const r = await t.post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, {}, '{}');
      expect(r.error).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['20.50.1.2', true],
    ['2606:4700::1111', true],
    ['127.0.0.1', false],
    ['10.255.255.255', false],
    ['172.31.0.1', false],
    ['172.32.0.1', true],
    ['192.168.0.1', false],
    ['100.64.0.1', false],
    ['100.127.255.255', false],
    ['100.128.0.1', true],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['::', false],
    ['::1', false],
    ['fc00::1', false],
    ['fd00:ec2::254', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::a00:1', false],
    ['64:ff9b::808:808', true],
    ['::a00:1', false],
    ['::808:808', true],
    ['::ffff:0:a00:1', false],
    ['::ffff:0:808:808', true],
    ['64:ff9b:1::808:808', false],
    ['2002:a00:1::1', false],
    ['2002:c0a8:101::', false],
    ['2002:808:808::1', true],
    ['fec0::1', false],
    ['feff::1', false],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false],
    ['2001:db8::1', false],
    ['2001:4860:4860::8888', true],
    ['not-an-ip', false],
  ])('%s: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('address policy (issue 25, item 4)', () => {
  // Public addresses as literals need no DNS: today these are refused only by the policy.
  it.each([
    'https://[::a00:1]/', // ::10.0.0.1, IPv4-compatible
    'https://[::7f00:1]/', // ::127.0.0.1
    'https://[::ffff:0:a00:1]/', // ::ffff:0:10.0.0.1, IPv4-translated
    'https://[64:ff9b:1::a00:1]/', // local-use NAT64
    'https://[2002:a00:1::1]/', // 6to4 of 10.0.0.1
    'https://[2002:7f00:1::1]/', // 6to4 of 127.0.0.1
    'https://[fec0::1]/', // site-local
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', // Teredo (the client address is hidden)
    'https://8.8.8.8:22/',
    'https://8.8.8.8:80/',
    'https://8.8.8.8:1023/',
    'https://[2606:4700::1111]:25/',
  ])('%s is refused', async (url) => {
    const p = (await seedWorld(svc.deps)).reseller;
    const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url } });
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/webhook-url-refused$/);
  });

  it.each(['https://8.8.8.8/', 'https://8.8.8.8:443/x', 'https://8.8.8.8:1024/', 'https://8.8.8.8:8443/', 'https://[2002:808:808::1]/'])(
    '%s is accepted',
    async (url) => {
      const p = (await seedWorld(svc.deps)).reseller;
      expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url } })).status).toBe(201);
    },
  );

  it.each([
    [' https://8.8.8.8/', 'spaces'],
    ['https://8.8.8.8/ ', 'spaces'],
    ['https://8.8.8.8/a\tb', 'control'],
    ['https://8.8.8.8/a\nb', 'control'],
    ['https://8.8.8.8/\u0000', 'control'],
    ['https://8.8.8.8/\u007f', 'control'],
    ['https://user@8.8.8.8/', 'user'],
    ['https://user:pass@8.8.8.8/', 'user'],
    ['https://:pass@8.8.8.8/', 'user'],
    ['https://@8.8.8.8/', 'user'],
  ])('%j is refused with a 400 naming the url (%s)', async (url, what) => {
    const p = (await seedWorld(svc.deps)).reseller;
    const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url } });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors.url.join(' ')).toMatch(
      new RegExp(what === 'user' ? 'user name or password' : what === 'spaces' ? 'spaces' : 'control characters'),
    );
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).status).toBe(404);
  });

  it('stores and echoes the canonical form', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: 'HTTPS://8.8.8.8:443/a/../hook?x=1#frag' } });
    expect(r.status).toBe(201);
    expect(r.body.url).toBe('https://8.8.8.8/hook?x=1');
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).body.url).toBe('https://8.8.8.8/hook?x=1');
  });
});

describe('lastError is a class (issue 25, item 5)', () => {
  const local = new HttpWebhookTransport({ allowPrivateTargets: true, timeoutMs: 300 });

  it('connection refused, DNS, TLS, timeout: a class, never socket text', async () => {
    const closed = await freePort();
    expect(await local.post(`http://127.0.0.1:${closed}/`, {}, '{}')).toEqual({ error: 'connection-refused', excerpt: '' });
    expect(await local.post('https://receiver.invalid/', {}, '{}')).toEqual({ error: 'dns', excerpt: '' });
    // TLS to a plain-HTTP server fails in the handshake.
    expect(await local.post(`https://127.0.0.1:${port}/`, {}, '{}')).toEqual({ error: 'tls', excerpt: '' });
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      expect(await local.post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, {}, '{}')).toEqual({
        error: 'timeout',
        excerpt: '',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a target the policy refuses at delivery reads as connection-refused, the same as a closed port', async () => {
    const strict = new HttpWebhookTransport({ allowPrivateTargets: false });
    expect(await strict.post(`https://localhost:${port}/`, {}, '{}')).toEqual({ error: 'connection-refused', excerpt: '' });
    expect(await strict.post('https://8.8.8.8:22/', {}, '{}')).toEqual({ error: 'connection-refused', excerpt: '' });
  });
});
