/**
 * The portal front end on its own origin, in a real browser: a small page that loads the typed
 * client (bundled for the browser with esbuild, as a portal's build would) lists customers,
 * creates an invitation and shows its draft, and removes a relationship with the attestation,
 * all across origins through the local runner's CORS (CORS_ALLOWED_ORIGINS). The page signs in
 * the way a portal does, with `Authorization: Bearer`: locally a `local.` token that the runner
 * turns into the principal, as Easy Auth does with an Entra access token in Azure.
 */
import { build } from 'esbuild';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { seedWorld, startService, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

const POLL = { timeout: 5000 };
const CLIENT_ENTRY = join(__dirname, '..', '..', 'src', 'client', 'index.ts');

/** The portal's own script: what a real portal does with the client, in plain browser JavaScript. */
const PORTAL_APP = `
import { createClient, isApiError, localDevToken } from ${JSON.stringify(CLIENT_ENTRY)};
const params = new URLSearchParams(location.search);
const api = createClient({
  baseUrl: params.get('api'),
  getToken: () => localDevToken({ tenantId: params.get('tenant'), name: 'ana@fabrikam.example', roles: ['AdminAgent'] }),
});
window.portal = { api, createClient, isApiError, localDevToken };
const $ = (id) => document.getElementById(id);
const say = (text) => { $('status').textContent = text; };
const problem = (err) => (isApiError(err) ? err.status + ' ' + err.code + ': ' + err.message : err.name + ': ' + err.message);

async function showCustomers() {
  const rows = [];
  for await (const r of api.relationships({ pageSize: 2 })) {
    const li = document.createElement('li');
    li.dataset.customerId = r.customerId;
    const attest = document.createElement('input');
    attest.type = 'checkbox';
    const label = document.createElement('label');
    label.append(attest, ' I attest that this removal is made in good faith');
    const remove = document.createElement('button');
    remove.textContent = 'Remove ' + r.companyName;
    remove.onclick = async () => {
      try {
        const removed = await api.removeRelationship(r.customerId, { attestGoodFaith: attest.checked ? true : undefined }, { ifMatch: r.etag });
        await showCustomers();
        say('Removed ' + removed.companyName + '. ' + removed.notice);
      } catch (err) {
        say(problem(err));
      }
    };
    li.append(r.companyName + ' (' + (r.domain ?? '-') + ') ', label, remove);
    rows.push(li);
  }
  $('customers').replaceChildren(...rows);
  say(rows.length + ' customers');
}

$('invite').onsubmit = async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const invitation = await api.createInvitation({ customer: { companyName: form.get('companyName'), email: form.get('email') }, locale: 'en' });
    $('draft-subject').textContent = invitation.draft.subject;
    $('draft-text').textContent = invitation.draft.text;
    $('draft').hidden = false;
    say('Invitation created');
  } catch (err) {
    say(problem(err));
  }
};

showCustomers().catch((err) => say(problem(err)));
`;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner portal</title></head><body>
<h1>Customers</h1><p id="status" role="status">Loading…</p><ul id="customers"></ul>
<form id="invite"><label>Company <input name="companyName"></label> <label>Email <input name="email"></label> <button>Create invitation</button></form>
<section id="draft" hidden><h2 id="draft-subject"></h2><pre id="draft-text"></pre></section>
<script src="/portal.js"></script></body></html>`;

interface Seen {
  method: string;
  path: string;
  origin: string | undefined;
  requestHeaders: string | undefined;
  authorization: string | undefined;
  ifMatch: string | undefined;
}

let svc: Service;
let w: World;
let browser: Browser;
let portal: Server;
let other: Server;
let portalOrigin: string;
let otherOrigin: string;
const seen: Seen[] = [];
const customers = [
  { companyName: 'Wingtip Toys', domain: 'wingtip.example' },
  { companyName: 'Adatum', domain: 'adatum.example' },
  { companyName: 'Contoso', domain: 'contoso.example' },
  { companyName: 'Litware', domain: 'litware.example' },
  { companyName: 'Fourth Coffee', domain: 'fourthcoffee.example' },
];
let customerIds: string[];

/** A static site: the portal page and its bundled script. */
async function serveSite(script: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/portal.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if ((req.url ?? '').startsWith('/?') || req.url === '/')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function record(req: IncomingMessage): void {
  const h = (name: string) => req.headers[name] as string | undefined;
  seen.push({
    method: req.method ?? '',
    path: req.url ?? '',
    origin: h('origin'),
    requestHeaders: h('access-control-request-headers'),
    authorization: h('authorization'),
    ifMatch: h('if-match'),
  });
}

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: PORTAL_APP, resolveDir: __dirname, loader: 'js', sourcefile: 'portal.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  ({ server: portal, origin: portalOrigin } = await serveSite(script));
  ({ server: other, origin: otherOrigin } = await serveSite(script));
  svc = await startService({}, [portalOrigin]);
  svc.runner.server.on('request', record);
  w = await seedWorld(svc.deps);
  customerIds = await seedRelationships(svc.deps.store, w.reseller.id, customers);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await svc?.close();
  for (const server of [portal, other]) {
    server?.close();
    server?.closeAllConnections();
  }
});

const portalUrl = (origin: string) => `${origin}/?api=${encodeURIComponent(svc.url)}&tenant=${w.reseller.id}`;

async function openPortal(origin = portalOrigin): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(portalUrl(origin));
  return page;
}

const apiCalls = (origin: string, method: string, path: string) =>
  seen.filter((s) => s.origin === origin && s.method === method && s.path.startsWith(path));

describe('the portal on another origin', () => {
  it('lists the customers across pages, creates an invitation and shows its draft', async () => {
    const page = await openPortal();
    await expect.poll(() => page.locator('#status').innerText(), POLL).toBe('5 customers');
    expect(await page.locator('#customers li').allInnerTexts()).toEqual([
      expect.stringMatching(/^Adatum \(adatum\.example\)/),
      expect.stringMatching(/^Contoso \(contoso\.example\)/),
      expect.stringMatching(/^Fourth Coffee/),
      expect.stringMatching(/^Litware/),
      expect.stringMatching(/^Wingtip Toys/),
    ]);
    // Three pages of two, each a cross-origin GET with the bearer token, after a preflight.
    const lists = apiCalls(portalOrigin, 'GET', '/api/relationships?');
    expect(lists).toHaveLength(3);
    expect(lists.filter((s) => s.path.includes('continuationToken='))).toHaveLength(2);
    expect(lists.every((s) => s.authorization?.startsWith('Bearer local.'))).toBe(true);
    expect(apiCalls(portalOrigin, 'OPTIONS', '/api/relationships?')[0]?.requestHeaders).toMatch(/authorization/);

    await page.getByLabel('Company').fill('Tailwind <Traders>');
    await page.getByLabel('Email').fill('it@tailwind.example');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await expect.poll(() => page.locator('#status').innerText(), POLL).toBe('Invitation created');
    expect(await page.locator('#draft-subject').innerText()).toContain('Fabrikam & Co <Resellers>');
    const draft = await page.locator('#draft-text').innerText();
    expect(draft).toContain('Tailwind <Traders>');
    expect(draft).toMatch(/\/api\/accept\/[A-Za-z0-9_-]{20,}/);
    expect(apiCalls(portalOrigin, 'POST', '/api/invitations')).toHaveLength(1);
    await page.close();
  });

  it('removes a relationship only with the attestation, with If-Match across origins', async () => {
    const page = await openPortal();
    await expect.poll(() => page.locator('#status').innerText(), POLL).toBe('5 customers');
    const contoso = page.locator('#customers li', { hasText: 'Contoso' });

    // Without the attestation: the problem document is readable from the page.
    await contoso.getByRole('button', { name: 'Remove Contoso' }).click();
    await expect
      .poll(() => page.locator('#status').innerText(), POLL)
      .toMatch(/^400 attestation-required: Attest the removal: I attest that/);

    await contoso.getByRole('checkbox').check();
    await contoso.getByRole('button', { name: 'Remove Contoso' }).click();
    await expect.poll(() => page.locator('#status').innerText(), POLL).toMatch(/^Removed Contoso\. /);
    expect(await page.locator('#customers li').count()).toBe(4);

    const contosoId = customerIds[customers.findIndex((c) => c.companyName === 'Contoso')]!;
    const removals = apiCalls(portalOrigin, 'POST', `/api/relationships/${contosoId}/remove`);
    expect(removals).toHaveLength(2);
    expect(removals.every((s) => /^"[^"]+"$/.test(s.ifMatch ?? ''))).toBe(true);
    const preflight = apiCalls(portalOrigin, 'OPTIONS', `/api/relationships/${contosoId}/remove`);
    expect(preflight[0]?.requestHeaders?.split(',').sort()).toEqual(['authorization', 'content-type', 'if-match']);
    await page.close();
  });

  it('reads the exposed headers (ETag, Location, x-request-id) and gets 412 for a stale If-Match', async () => {
    const page = await openPortal();
    await expect.poll(() => page.locator('#status').innerText(), POLL).toMatch(/customers$/);
    const litwareId = customerIds[customers.findIndex((c) => c.companyName === 'Litware')]!;
    const result = await page.evaluate(async (customerId) => {
      const { api, isApiError } = (globalThis as any).portal;
      const got = await api.call('getRelationship', { params: { customerId } });
      const created = await api.call('createInvitation', {
        body: { customer: { companyName: 'Proseware', email: 'it@proseware.example' } },
      });
      let stale: unknown;
      try {
        await api.removeRelationship(customerId, { attestGoodFaith: true }, { ifMatch: '"not-the-etag"' });
      } catch (err: any) {
        stale = isApiError(err)
          ? { status: err.status, code: err.code, requestId: err.requestId, detail: err.problem.detail }
          : String(err);
      }
      const removed = await api.removeRelationship(customerId, { attestGoodFaith: true }, { ifMatch: got.data.etag });
      return {
        etag: got.headers.get('etag'),
        bodyEtag: got.data.etag,
        requestId: got.headers.get('x-request-id'),
        location: created.headers.get('location'),
        createdId: created.data.id,
        createdStatus: created.status,
        stale,
        removed: removed.status,
      };
    }, litwareId);
    expect(result.etag).toBe(result.bodyEtag);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.createdStatus).toBe(201);
    expect(result.location).toBe(`/api/invitations/${result.createdId}`);
    expect(result.stale).toMatchObject({ status: 412, code: 'precondition-failed', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(result.removed).toBe('removed');
    await page.close();
  });

  it('a page from an origin that is not allowed cannot read anything', async () => {
    const before = seen.length;
    const page = await openPortal(otherOrigin);
    // The page's own listing fails as a network error (TypeError), not as an API error.
    await expect.poll(() => page.locator('#status').innerText(), POLL).toMatch(/^TypeError: /);
    const errors = await page.evaluate(async (baseUrl) => {
      const { api, createClient } = (globalThis as any).portal;
      const caught = async (p: Promise<unknown>) =>
        p.then(
          () => 'no error',
          (err: Error) => `${err.name}`,
        );
      // A simple GET reaches the server, but the browser withholds the answer.
      const anonymous = await caught(createClient({ baseUrl }).health());
      // A request with a bearer token is stopped at the preflight.
      const withToken = await caught(api.listInvitations());
      return { anonymous, withToken };
    }, svc.url);
    expect(errors).toEqual({ anonymous: 'TypeError', withToken: 'TypeError' });
    const fromOther = seen.slice(before).filter((s) => s.origin === otherOrigin);
    expect(fromOther.some((s) => s.method === 'GET' && s.path === '/api/health')).toBe(true);
    expect(fromOther.some((s) => s.method === 'OPTIONS' && s.path.startsWith('/api/invitations'))).toBe(true);
    // No credentialed request got past a preflight.
    expect(fromOther.filter((s) => s.authorization !== undefined)).toEqual([]);
    await page.close();
  });
});

describe('CORS preflight', () => {
  const preflight = (origin: string) =>
    fetch(`${svc.url}/api/relationships/${customerIds[0]}/remove`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, if-match',
      },
    });

  it('answers an allowed origin 204 with the API methods and headers', async () => {
    const res = await preflight(portalOrigin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(portalOrigin);
    const list = (name: string) =>
      (res.headers.get(name) ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .sort();
    expect(list('access-control-allow-methods')).toEqual(expect.arrayContaining(['delete', 'get', 'post']));
    expect(list('access-control-allow-headers')).toEqual(['accept-language', 'authorization', 'content-type', 'if-match']);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gives any other origin no CORS headers, on preflights and on answers', async () => {
    const res = await preflight(otherOrigin);
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const answer = await fetch(`${svc.url}/api/health`, { headers: { Origin: otherOrigin } });
    expect(answer.status).toBe(200);
    expect([...answer.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const allowed = await fetch(`${svc.url}/api/health`, { headers: { Origin: portalOrigin } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(portalOrigin);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('ETag, Location, Retry-After, x-request-id');
  });
});
