/** Cases a review found: each was a 500, a wrong status or a missing header before its fix. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_STATEMENT } from '../../src/api/schemas';
import { adminOf, call, customerAdmin, startWorld, type Service, type World } from '../support/harness';

let svc: Service;
let w: World;
const PORTAL = 'http://127.0.0.1:5999';
beforeAll(async () => ({ svc, w } = await startWorld({}, [PORTAL])));
afterAll(() => svc.close());

async function acceptedCustomer() {
  const inv = await call(svc, 'POST', '/api/invitations', {
    as: adminOf(w.reseller),
    body: { customer: { companyName: 'Review Co', email: 'a@r.example' } },
  });
  const ga = customerAdmin();
  expect((await call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: {} })).status).toBe(200);
  return { customerId: ga.tenantId, path: new URL(inv.body.url).pathname, id: inv.body.id as string };
}

describe('hostile input that used to be a 500', () => {
  it('a continuation token with a non-ASCII signature is 400 on every list', async () => {
    const token = `abc.${'é'.repeat(22)}`;
    for (const route of ['/api/relationships', '/api/invitations', '/api/audit']) {
      const r = await call(svc, 'GET', `${route}?continuationToken=${encodeURIComponent(token)}`, { as: adminOf(w.reseller) });
      expect(r.status, route).toBe(400);
    }
  });

  it('a search that grows when normalised is 400, not a storage error', async () => {
    const r = await call(svc, 'GET', `/api/relationships?q=${encodeURIComponent('\ufdfa'.repeat(40))}`, { as: adminOf(w.reseller) });
    expect(r.status).toBe(400);
    expect(r.body.errors).toHaveProperty('q');
  });

  it('an oversized local sign-in form is 413', async () => {
    const r = await call(svc, 'POST', '/.auth/login/aad', {
      rawBody: `tenantId=${'x'.repeat(9000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(413);
  });
});

describe('removal without a proper attestation always quotes the statement', () => {
  it.each([
    ['no body', {}],
    ['an empty JSON body', { rawBody: '', headers: { 'content-type': 'application/json' } }],
    ['a string "true"', { body: { attestGoodFaith: 'true' } }],
    ['a number', { body: { attestGoodFaith: 1 } }],
  ])('%s', async (_label, opts) => {
    const { customerId } = await acceptedCustomer();
    const r = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, { as: adminOf(w.reseller), ...opts });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain(ATTESTATION_STATEMENT);
    expect((await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) })).body.status).toBe('active');
  });
});

describe('cross-site forms are refused before their body is read', () => {
  it('text/plain and multipart posts from another site are 403 pages', async () => {
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'X', email: 'a@x.example' } },
    });
    const path = new URL(inv.body.url).pathname;
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const r = await call(svc, 'POST', path, {
        as: customerAdmin(),
        rawBody: 'decision=accept',
        headers: { 'content-type': type, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      });
      expect(r.status, type).toBe(403);
    }
    expect((await call(svc, 'GET', `/api/invitations/${inv.body.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
  });

  it('a same-site form with a bad decision gets a page, not JSON', async () => {
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'X', email: 'a@x.example' } },
    });
    const r = await call(svc, 'POST', new URL(inv.body.url).pathname, {
      as: customerAdmin(),
      rawBody: 'decision=maybe',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('an empty body with a content type the route does not take is 415', async () => {
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'X', email: 'a@x.example' } },
    });
    const r = await call(svc, 'POST', `/api/invitations/${inv.body.id}/send`, {
      as: adminOf(w.reseller),
      rawBody: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
  });
});

describe('headers', () => {
  it('an allowed portal can read ETag and x-request-id; other origins get no CORS header at all', async () => {
    const { customerId } = await acceptedCustomer();
    const allowed = await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller), headers: { origin: PORTAL } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('ETag');
    const other = await call(svc, 'GET', `/api/relationships/${customerId}`, {
      as: adminOf(w.reseller),
      headers: { origin: 'https://evil.example' },
    });
    expect([...other.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });

  it('preflights and the local sign-in pages carry an x-request-id too', async () => {
    const pre = await fetch(`${svc.url}/api/relationships`, {
      method: 'OPTIONS',
      headers: { origin: PORTAL, 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('x-request-id')).toBeTruthy();
    const login = await fetch(`${svc.url}/.auth/login/aad`);
    expect(login.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${svc.url}/api/relationships/${randomUUID()}`)).headers.get('x-request-id')).toBeTruthy();
  });
});

describe('refusal pages speak the invitation language', () => {
  it('a Spanish invitation refuses a non-admin in Spanish', async () => {
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'X', email: 'a@x.example' }, locale: 'es' },
    });
    const r = await call(svc, 'POST', new URL(inv.body.url).pathname, {
      as: { tenantId: randomUUID(), roles: ['User'] },
      rawBody: 'decision=accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    });
    expect(r.status).toBe(403);
    expect(r.text).toContain('<html lang="es"');
    expect(r.text).toContain('Solo un administrador global');
  });
});
