/**
 * The local runner's own HTTP surface against a hostile or careless client: the sign-in stand-in
 * for App Service Authentication (redirects, login CSRF, the tenant rule, session expiry), the
 * session cookie on API posts, request size and header limits, aborted uploads, status lines and
 * the per-request log. Everything goes through real HTTP (fetch, or a raw socket where fetch
 * would hide what is on the wire).
 */
import type { HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/http/register';
import { startRunner, type RunningServer } from '../../src/local/runner';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service, type World } from '../support/harness';

// A function whose answer Node refuses to write (a header value outside Latin-1): the runner's
// 500 must still be a proper one. Registered before the runner starts, in this test file only.
register(
  {
    name: 'testBrokenHeader',
    methods: ['GET'],
    route: 'test/broken-header',
    access: 'anonymous',
    summary: 'test only',
    responses: { 200: { description: 'test only' } },
  },
  async (): Promise<HttpResponseInit> => ({ status: 200, headers: { 'x-broken': 'ā' }, body: 'never sent' }),
);

let svc: Service;
let w: World;

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
});
afterAll(() => svc.close());

const origin = () => svc.url;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Signs in through the local form; returns the cookie (name=value) and the response. */
async function signIn(url: string, tenantId: string, roles: string, headers: Record<string, string> = {}, redirect = '/api/health') {
  const res = await fetch(`${url}/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(redirect)}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, ...headers },
    body: form({ tenantId, name: 'someone@example.com', roles }),
  });
  return { res, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

interface RawAnswer {
  text: string;
  /** The server closed the connection (rather than our timer ending the wait). */
  closed: boolean;
  ms: number;
}

/** Writes `request` on a raw socket and collects the answer until the server closes or `waitMs` passes. */
function raw(port: number, request: string | Buffer, waitMs = 3000, thenDestroy = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => (done ? undefined : text ? finish(true) : reject(err)));
    socket.write(request, () => {
      if (thenDestroy) socket.destroy();
    });
  });
}

const statusLine = (text: string) => text.split('\r\n')[0];
/** The body of a raw answer, de-chunked when it is chunked. */
function bodyOf(text: string): string {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  let rest = text.slice(head.length + 4);
  if (!/^transfer-encoding: chunked$/im.test(head)) return rest;
  let out = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

describe('sign-in and sign-out redirects stay on this origin', () => {
  const offSite = [
    '/\t/evil.example/',
    '/\n/evil.example/',
    '/\r/evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example/',
    'https://evil.example/',
    'http://localhost@evil.example/',
    'javascript:alert(1)',
    ' /\t/evil.example',
  ];
  it.each(offSite)('%j is refused after sign-in and after sign-out (back to /)', async (target) => {
    const { res } = await signIn(svc.url, randomUUID(), 'GlobalAdmin', {}, target);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const out = await fetch(`${svc.url}/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(target)}`, { redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/');
  });

  it.each([
    ['/a\r\nSet-Cookie: AppServiceAuthSession=attacker', '/'],
    ['/x\u0000y', '/'],
    ['/\u0085next', '/'],
    ['/café?q=ā#ē', '/caf%C3%A9?q=%C4%81#%C4%93'],
    ['/api/accept/abc?x=1#top', '/api/accept/abc?x=1#top'],
  ])('%j is a 302 to %j, never a 500', async (target, expected) => {
    const { res } = await signIn(svc.url, randomUUID(), 'GlobalAdmin', {}, target);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(expected);
    const out = await fetch(`${svc.url}/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(target)}`, { redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(expected);
    // The sign-in page itself shows (escaped) where it returns to, and posts back to it.
    const page = await call(svc, 'GET', `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(target)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`post_login_redirect_uri=${encodeURIComponent(expected)}"`);
  });
});

describe('login CSRF: only the form’s own page can sign a browser in', () => {
  it.each([
    [{ origin: 'https://evil.example' }],
    [{ origin: 'null' }],
    [{ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    // Another port of localhost is the same site but another origin (a dev server, say).
    [{ 'sec-fetch-site': 'same-site', origin: 'http://localhost:5173' }],
  ])('a post with %j is 403 and sets no cookie', async (headers) => {
    const { res } = await signIn(svc.url, randomUUID(), 'GlobalAdmin', headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { type: string }).type).toMatch(/:cross-site-request$/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('the form’s own post (same origin) signs in', async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-origin', origin: origin() }, { origin: origin() }, {}] as Record<string, string>[]) {
      const { res, cookie } = await signIn(svc.url, randomUUID(), 'GlobalAdmin', headers);
      expect(res.status, JSON.stringify(headers)).toBe(302);
      expect(cookie).toMatch(/^AppServiceAuthSession=/);
    }
  });
});

describe('the session cookie on API posts', () => {
  async function partnerSession() {
    const { cookie } = await signIn(svc.url, w.reseller.id, 'AdminAgent', { 'sec-fetch-site': 'same-origin' });
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Contoso', email: 'it@contoso.example' } },
    });
    expect(inv.status).toBe(201);
    return { cookie: cookie!, id: inv.body.id as string, url: inv.body.url as string };
  }

  it('a same-site no-cors post to /send (text/plain, or no body) is refused before the function runs', async () => {
    const { cookie, id } = await partnerSession();
    const attempts: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-site', origin: 'http://localhost:5173', 'content-type': 'text/plain;charset=UTF-8' },
      { 'sec-fetch-site': 'same-site', origin: 'http://localhost:5173' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example', 'content-type': 'application/json' },
    ];
    for (const headers of attempts) {
      const r = await call(svc, 'POST', `/api/invitations/${id}/send`, { headers: { cookie, ...headers }, rawBody: '{}' });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.type).toMatch(/:cross-site-request$/);
    }
    expect((await call(svc, 'GET', `/api/invitations/${id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
  });

  it('a cookie post that is not JSON is 415, even from this origin; JSON from this origin reaches the function', async () => {
    const { cookie, id } = await partnerSession();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { cookie, 'sec-fetch-site': 'same-origin', origin: origin() };
      if (type) headers['content-type'] = type;
      const r = await call(svc, 'POST', `/api/invitations/${id}/send`, { headers, rawBody: type ? '{}' : '' });
      expect(r.status, type).toBe(415);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
    }
    const r = await call(svc, 'POST', `/api/invitations/${id}/send`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin', origin: origin(), 'content-type': 'application/json' },
      rawBody: '{}',
    });
    // Through the runner to the function, which has no email configured here.
    expect(r.status).toBe(409);
    // A DELETE made with the cookie is held to the same rules.
    const del = await call(svc, 'DELETE', `/api/invitations/${id}`, { headers: { cookie, 'sec-fetch-site': 'same-site' } });
    expect(del.status).toBe(403);
  });

  it('requests with their own principal (header or bearer) are not the cookie’s: no JSON rule for them', async () => {
    const { id } = await partnerSession();
    const r = await call(svc, 'DELETE', `/api/invitations/${id}`, { as: adminOf(w.reseller) });
    expect(r.status).toBe(200);
  });

  it('the accept page’s own form post with the cookie still works (the function guards it)', async () => {
    const { url } = await partnerSession();
    const customer = customerAdmin();
    const { cookie } = await signIn(svc.url, customer.tenantId, 'GlobalAdmin', { 'sec-fetch-site': 'same-origin' });
    const path = new URL(url).pathname;
    const r = await call(svc, 'POST', path, {
      headers: { cookie: cookie!, ...FORM, 'sec-fetch-site': 'same-origin', origin: 'null' },
      rawBody: form({ decision: 'accept' }),
    });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
  });
});

describe('the sign-in form’s tenant ID', () => {
  const NON_RFC = '12345678-1234-1234-1234-123456789012'; // variant digit 1: the principal parser refuses it

  it('has a pattern that is valid with the v flag (as browsers compile it) and is the parser’s rule', async () => {
    const page = await call(svc, 'GET', '/.auth/login/aad');
    const pattern = /pattern="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
    const re = new RegExp(`^(?:${pattern})$`, 'v');
    expect(re.test(randomUUID())).toBe(true);
    expect(re.test(randomUUID().toUpperCase())).toBe(true);
    expect(re.test(NON_RFC)).toBe(false);
    expect(re.test('0000000-00000-0000-0000-000000000000')).toBe(false);
    expect(re.test(`${randomUUID()}-`)).toBe(false);
  });

  it('a non-RFC UUID is refused on the server with a clear message (no session, no sign-in loop)', async () => {
    const { res, cookie } = await signIn(svc.url, NON_RFC, 'GlobalAdmin');
    expect(res.status).toBe(400);
    expect(cookie).toBeUndefined();
    const text = await res.text();
    expect(text).toContain('The tenant ID must be a UUID');
    expect(text).toContain('RFC 9562');
    expect(text).toContain(`value="${NON_RFC}"`); // what the user typed stays in the form
  });
});

describe('local sessions expire', () => {
  let short: RunningServer;
  beforeAll(async () => {
    short = await startRunner({ port: 0, sessionTtlMs: 1200, log: () => undefined });
  });
  afterAll(() => short.close());

  it('a session ends after its lifetime (the cookie says so too); the default lifetime is 8 hours', async () => {
    const { res, cookie } = await signIn(short.url, w.reseller.id, 'AdminAgent');
    expect(res.headers.get('set-cookie')).toContain('Max-Age=1;');
    expect((await call(short, 'GET', '/api/partners/me', { headers: { cookie: cookie! } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await (await fetch(`${short.url}/.auth/me`, { headers: { cookie: cookie! } })).json()).toEqual([]);
    expect((await call(short, 'GET', '/api/partners/me', { headers: { cookie: cookie! } })).status).toBe(401);
    const normal = await signIn(svc.url, randomUUID(), 'GlobalAdmin');
    expect(normal.res.headers.get('set-cookie')).toContain(`Max-Age=${8 * 3600};`);
  });
});

describe('request size, headers and aborted uploads', () => {
  const port = () => svc.runner.port;
  const principal = () => {
    const who = adminOf(w.reseller);
    return Buffer.from(
      JSON.stringify({
        claims: [
          { typ: 'tid', val: who.tenantId },
          { typ: 'oid', val: 'u1' },
          { typ: 'roles', val: 'AdminAgent' },
        ],
      }),
    ).toString('base64');
  };

  it('a declared Content-Length over 64 KiB is 413 at once, before any body byte is sent', async () => {
    const a = await raw(
      port(),
      `POST /api/invitations HTTP/1.1\r\nHost: localhost\r\nx-ms-client-principal: ${principal()}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`,
    );
    expect(statusLine(a.text)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(a.text).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(bodyOf(a.text))).toMatchObject({ status: 413 });
    expect(a.closed).toBe(true);
    expect(a.ms).toBeLessThan(2000);
  });

  it('with Expect: 100-continue the 413 comes instead of 100 Continue; a small body gets its 100', async () => {
    const big = await raw(
      port(),
      `POST /api/invitations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 70000\r\n\r\n`,
    );
    expect(statusLine(big.text)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(big.text).not.toContain('100 Continue');
    const small = await raw(
      port(),
      `POST /api/invitations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`,
      500,
    );
    expect(statusLine(small.text)).toBe('HTTP/1.1 100 Continue');
  });

  it('the sign-in form refuses a declared length over 8 KiB at once too', async () => {
    const a = await raw(
      port(),
      `POST /.auth/login/aad HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9000\r\n\r\n`,
    );
    expect(statusLine(a.text)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(a.ms).toBeLessThan(2000);
  });

  it('an upload the client aborts is logged as one line, not as an error with a stack', async () => {
    const before = svc.logs.length;
    await raw(
      port(),
      `POST /api/invitations HTTP/1.1\r\nHost: localhost\r\nx-ms-client-principal: ${principal()}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"customer":`,
      300,
      true,
    );
    await new Promise((r) => setTimeout(r, 300));
    const lines = svc.logs.slice(before);
    expect(lines.filter((l) => l.startsWith('[error]'))).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
    expect(lines.some((l) => l.includes('closed the connection'))).toBe(true);
  });

  it('huge request headers are 431 as problem+json; a malformed request is 400 as problem+json', async () => {
    const a = await raw(port(), `GET /api/health HTTP/1.1\r\nHost: localhost\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(statusLine(a.text)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(a.text).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(bodyOf(a.text))).toMatchObject({ status: 431, type: expect.stringMatching(/:headers-too-large$/) });
    const b = await raw(port(), `GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n`);
    expect(statusLine(b.text)).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(bodyOf(b.text))).toMatchObject({ status: 400 });
  });

  it('a 500 says Internal Server Error in its status line (not the reason of an earlier attempt)', async () => {
    const res = await fetch(`${svc.url}/api/test/broken-header`);
    expect(res.status).toBe(500);
    expect(res.statusText).toBe('Internal Server Error');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-broken')).toBeNull();
  });
});

describe('small things a browser meets', () => {
  it('/favicon.ico is answered (204), not 404', async () => {
    const r = await fetch(`${svc.url}/favicon.ico`);
    expect(r.status).toBe(204);
  });

  it('an unenrolled tenant’s 403 says how a partner gets enrolled', async () => {
    const r = await call(svc, 'GET', '/api/partners/me', { as: { tenantId: randomUUID(), roles: ['AdminAgent'] } });
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('npm run seed');
  });
});

describe('the request log', () => {
  it('is off when a test passes its own log; when asked, one line per request, link tokens masked', async () => {
    await call(svc, 'GET', '/api/health');
    expect(svc.logs.some((l) => l.includes('GET /api/health'))).toBe(false);

    const lines: string[] = [];
    const logged = await startRunner({ port: 0, log: (_level, m) => lines.push(m), logRequests: true });
    try {
      const health = await fetch(`${logged.url}/api/health`, { headers: { 'x-request-id': 'req-123' } });
      expect(health.status).toBe(200);
      const inv = await call(svc, 'POST', '/api/invitations', {
        as: adminOf(w.reseller),
        body: { customer: { companyName: 'Contoso', email: 'it@contoso.example' } },
      });
      const token = (inv.body.url as string).split('/').pop()!;
      expect((await fetch(`${logged.url}/api/accept/${token}`)).status).toBe(200);
      await fetch(`${logged.url}/nowhere`);
      await new Promise((r) => setTimeout(r, 50));
      expect(lines.find((l) => l.startsWith('GET /api/health '))).toMatch(/^GET \/api\/health 200 \d+ ms req-123$/);
      expect(lines.find((l) => l.startsWith('GET /api/accept/'))).toMatch(/^GET \/api\/accept\/\{token\} 200 \d+ ms [0-9a-f-]{36}$/);
      expect(lines.find((l) => l.startsWith('GET /nowhere '))).toMatch(/^GET \/nowhere 404 \d+ ms [0-9a-f-]{36}$/);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});
