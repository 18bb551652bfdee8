/** The foundation through the local runner over real HTTP. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, call, startWorld, type Service, type World } from '../support/harness';

let svc: Service;
let world: World;

beforeAll(async () => ({ svc, w: world } = await startWorld()));
afterAll(() => svc.close());

describe('local runner', () => {
  it('serves health and every response carries x-request-id', async () => {
    const r = await call(svc, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok' });
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('unknown routes and wrong methods are 404 problem+json', async () => {
    for (const [m, p] of [
      ['GET', '/api/nope'],
      ['PUT', '/api/health'],
      ['GET', '/'],
      ['GET', '/api/invitations/x/y/z'],
    ] as const) {
      const r = await call(svc, m, p);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.body).toMatchObject({
        status: 404,
        title: expect.any(String),
        detail: expect.any(String),
        type: expect.stringMatching(/not-found$/),
      });
      expect(r.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('getPartner through HTTP with the local headers', async () => {
    const r = await call(svc, 'GET', '/api/partners/me', { as: adminOf(world.reseller) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: world.reseller.id, kind: 'reseller' });
  });

  it('an unknown tenant is 403 on every partner route', async () => {
    const stranger = { tenantId: randomUUID(), roles: ['GlobalAdmin'] };
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/partners/me'],
      ['GET', '/api/invitations'],
      ['POST', '/api/invitations', { customer: { companyName: 'X', email: 'a@b.example' } }],
      ['GET', `/api/invitations/${randomUUID()}`],
      ['POST', `/api/invitations/${randomUUID()}/send`, {}],
      ['DELETE', `/api/invitations/${randomUUID()}`],
      ['GET', '/api/relationships'],
      ['GET', `/api/relationships/${randomUUID()}`],
      ['POST', `/api/relationships/${randomUUID()}/remove`, { attestGoodFaith: true }],
      ['GET', '/api/audit'],
    ];
    for (const [m, p, body] of routes) {
      const r = await call(svc, m, p, { as: stranger, body });
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.body).toMatchObject({ type: expect.stringMatching(/partner-not-enrolled$/) });
    }
  });

  it('no principal is 401, a partial one is 401', async () => {
    expect((await call(svc, 'GET', '/api/relationships')).status).toBe(401);
    const partial = Buffer.from(JSON.stringify({ claims: [{ typ: 'roles', val: 'GlobalAdmin' }] })).toString('base64');
    const r = await call(svc, 'GET', '/api/relationships', { headers: { 'x-ms-client-principal': partial } });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });

  it('oversized bodies are 413, before the handler runs', async () => {
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(world.reseller),
      rawBody: 'x'.repeat(70 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ status: 413, type: expect.stringMatching(/payload-too-large$/) });
  });

  it('serves the OpenAPI document', async () => {
    const r = await call<{ openapi: string; paths: Record<string, unknown> }>(svc, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toContain('/api/relationships/{customerId}/remove');
  });

  it('serves the local sign-in form and refuses open redirects', async () => {
    const form = await call(svc, 'GET', '/.auth/login/aad?post_login_redirect_uri=/api/health');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="tenantId"');
    const tenant = randomUUID();
    const post = await fetch(`${svc.url}/.auth/login/aad?post_login_redirect_uri=https://evil.example/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ tenantId: tenant, name: 'x', roles: 'GlobalAdmin' }).toString(),
    });
    expect(post.status).toBe(302);
    expect(post.headers.get('location')).toBe('/');
    const cookie = post.headers.get('set-cookie')!.split(';')[0]!;
    const me = await call<{ tenant_id: string }[]>(svc, 'GET', '/.auth/me', { headers: { cookie } });
    expect(me.body[0]!.tenant_id).toBe(tenant);
    // The session's principal reaches the functions: an unknown tenant is 403 (not 401).
    expect((await call(svc, 'GET', '/api/partners/me', { headers: { cookie } })).status).toBe(403);
    await fetch(`${svc.url}/.auth/logout`, { headers: { cookie }, redirect: 'manual' });
    expect((await call(svc, 'GET', '/api/partners/me', { headers: { cookie } })).status).toBe(401);
  });
});
