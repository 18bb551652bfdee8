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
import { adminOf, call, startWorld, type Service, type World } from '../support/harness';

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
    'https://user:pass@localhost/',
  ];

  it.each(refused)('%s is refused with the same 400 as every other', async (url) => {
    const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(w.reseller), body: { url } });
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/webhook-url-refused$/);
    expect(r.body.detail).toBe('The webhook URL is refused: it must be https, and its host must resolve to public addresses only.');
    expect(r.body.errors).toEqual({ url: ['must be https, and its host must resolve to public addresses only'] });
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(w.reseller) })).status).toBe(404);
  });
});

describe('delivery-time checks', () => {
  const transport = new HttpWebhookTransport({ allowPrivateTargets: false });

  it('refuses a name that resolves to loopback after resolution, without connecting (no DNS rebinding)', async () => {
    const before = hits;
    // http is refused outright; over https the resolution is checked by the socket's own lookup.
    expect(await transport.post(`http://localhost:${port}/`, {}, '{}')).toEqual({ error: 'the URL is refused', excerpt: '' });
    expect(await transport.post(`https://localhost:${port}/`, {}, '{}')).toEqual({ error: 'the URL is refused', excerpt: '' });
    expect(await transport.post(`https://127.0.0.1:${port}/`, {}, '{}')).toEqual({ error: 'the URL is refused', excerpt: '' });
    expect(await transport.post(`https://[::ffff:127.0.0.1]:${port}/`, {}, '{}')).toEqual({ error: 'the URL is refused', excerpt: '' });
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
      expect(r.error).toMatch(/no answer within/);
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
    ['not-an-ip', false],
  ])('%s: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
