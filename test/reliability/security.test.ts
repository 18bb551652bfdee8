/**
 * Security properties, checked end to end: link tokens never at rest and never in logs,
 * constant-time checks, isolation between partners on every partner route, HTML escaping of
 * every user-supplied name, and the accept page's CSRF and framing protections.
 */
import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/api/operations';
import { UnavailableError } from '../../src/domain/errors';
import type { Partner } from '../../src/domain/model';
import { enrolPartners } from '../../src/domain/operator';
import { tableName } from '../../src/storage/tableRows';
import { failingStore } from '../support/faults';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service, type Who, type World } from '../support/harness';
import { Recorder, report } from './support';

let svc: Service;
let w: World;
let rec: Recorder;
let checks = 0;

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
  rec = new Recorder(svc);
});
afterAll(async () => {
  report('security', { checks, requests: rec.requests, statuses: rec.statusSummary(), serverErrors: rec.serverErrors.length });
  await svc.close();
  expect(rec.serverErrors).toEqual([]);
});

interface Link {
  id: string;
  url: string;
  path: string;
  token: string;
}

async function invite(partner: Partner, extra: Record<string, unknown> = {}, customer: Record<string, unknown> = {}): Promise<Link> {
  const r = await rec.call('POST', '/api/invitations', {
    as: adminOf(partner),
    body: { customer: { companyName: 'Contoso', email: 'it@contoso.example', ...customer }, ...extra },
  });
  expect(r.status, r.text).toBe(201);
  const url = r.body.url as string;
  return { id: r.body.id, url, path: new URL(url).pathname, token: url.split('/').pop()! };
}

/** The token, its MAC part and other spellings of the MAC that must never be stored or logged. */
function secretsOf(link: Link): string[] {
  const mac = Buffer.from(link.token, 'base64url').subarray(32);
  return [link.token, link.url, link.token.slice(43), mac.toString('hex'), mac.toString('base64'), mac.toString('base64url').slice(0, 40)];
}

/** Every row of every partition of every table of this service, read with the SDK directly. */
async function everyRow(): Promise<string> {
  const cs = process.env.TABLES_CONNECTION_STRING!;
  const rows: unknown[] = [];
  for (const table of ['data', 'partners'] as const) {
    const client = TableClient.fromConnectionString(cs, tableName(svc.deps.config.tablePrefix, table), { allowInsecureConnection: true });
    try {
      for await (const e of client.listEntities()) rows.push(e);
    } catch (err) {
      // `partners` holds only entries of before the operator API: a fresh store never creates it.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
  expect(rows.length).toBeGreaterThan(20);
  return JSON.stringify(rows);
}

describe('link tokens', () => {
  it('are stored nowhere: every row of every partition of every table is free of tokens, links, MACs and the signing key', async () => {
    const links = [
      await invite(w.reseller),
      await invite(w.reseller, { indirectProviderId: w.provider.id, locale: 'es' }),
      await invite(w.reseller),
      await invite(w.reseller),
      await invite(w.otherReseller),
    ];
    expect((await rec.call('POST', links[1]!.path, { as: customerAdmin(), body: {} })).status).toBe(200);
    expect((await rec.call('POST', links[2]!.path, { as: customerAdmin(), body: { decision: 'decline' } })).status).toBe(200);
    expect((await rec.call('DELETE', `/api/invitations/${links[3]!.id}`, { as: adminOf(w.reseller) })).status).toBe(200);
    const dump = await everyRow();
    for (const link of links)
      for (const secret of secretsOf(link)) expect(dump.includes(secret), `${link.id}: ${secret.slice(0, 12)}…`).toBe(false);
    expect(dump.includes(svc.deps.config.signingKey)).toBe(false);
    checks += links.length;
  });

  it('are compared in constant time (crypto.timingSafeEqual), and only through the one checking function', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'domain', 'tokens.ts'), 'utf8');
    const body = (name: string) => {
      const start = source.indexOf(`export function ${name}(`);
      expect(start, name).toBeGreaterThan(-1);
      return source.slice(start, source.indexOf('\n}\n', start));
    };
    expect(source).toMatch(/import \{[^}]*\btimingSafeEqual\b[^}]*\} from 'node:crypto'/);
    const link = body('linkTokenMatches');
    expect(link).toMatch(/timingSafeEqual\(ref\.mac, expected\)/);
    expect(link).toMatch(/ref\.mac\.length === expected\.length/); // timingSafeEqual throws on a length mismatch
    expect(link).not.toMatch(/\.equals\(|\.compare\(|===\s*expected\b(?!\.length)|toString\([^)]*\)\s*===/);
    // Continuation tokens (cursors, signed by the storage adapter) are checked the same way.
    const cursor = readFileSync(join(__dirname, '..', '..', 'src', 'storage', 'cursor.ts'), 'utf8');
    const decode = cursor.slice(
      cursor.indexOf('export function decodeCursor('),
      cursor.indexOf('\n}\n', cursor.indexOf('export function decodeCursor(')),
    );
    expect(decode).toMatch(/timingSafeEqual\(/);
    // No other code compares a MAC: the acceptance goes through linkTokenMatches.
    const srcFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? srcFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
      );
    const root = join(__dirname, '..', '..');
    const users = [...srcFiles(join(root, 'src')), ...srcFiles(join(root, 'functions'))].filter((f) =>
      /\.mac\b/.test(readFileSync(f, 'utf8')),
    );
    expect(users.map((f) => f.slice(root.length + 1))).toEqual([join('src', 'domain', 'tokens.ts')]);
    expect(readFileSync(join(root, 'src', 'domain', 'acceptance.ts'), 'utf8')).toMatch(/linkTokenMatches\(/);
    checks++;
  });

  it('never reach the logs, not even when the accept paths fail (storage down, an unexpected error, every 4xx)', async () => {
    const link = await invite(w.reseller, { indirectProviderId: w.provider.id });
    const other = await invite(w.reseller, {}, { tenantId: randomUUID() });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const real = svc.deps.store;
    const failing = failingStore;
    const logsBefore = svc.logs.length;
    try {
      // Injected faults: not through the recorder, which allows no 5xx.
      svc.deps.store = failing(() => new UnavailableError('simulated outage'));
      expect((await call(svc, 'GET', link.path)).status).toBe(503);
      expect((await call(svc, 'POST', link.path, { as: customerAdmin(), body: {} })).status).toBe(503);
      expect((await call(svc, 'POST', link.path, { as: customerAdmin(), rawBody: 'decision=accept', headers: form })).status).toBe(503);
      svc.deps.store = failing(() => new Error('simulated bug'));
      expect((await call(svc, 'POST', link.path, { as: customerAdmin(), body: {} })).status).toBe(500);
    } finally {
      svc.deps.store = real;
    }
    // Every 4xx of the accept paths, as JSON and as a browser form.
    const ga = customerAdmin();
    const cases: [string, Parameters<typeof call>[3], number][] = [
      [link.path, {}, 401],
      [link.path, { as: { tenantId: ga.tenantId, roles: ['Reader'] }, body: {} }, 403],
      [link.path, { as: ga, body: {}, headers: { origin: 'https://evil.example' } }, 403],
      [link.path, { as: ga, body: { decision: 'maybe' } }, 400],
      [link.path, { as: ga, rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415],
      [other.path, { as: ga, body: {} }, 403],
      [`${link.path.slice(0, -2)}xx`, { as: ga, body: {} }, 410],
      [link.path, { as: ga, body: {} }, 200],
      [link.path, { as: customerAdmin(), body: {} }, 409],
      [link.path, { as: customerAdmin(), rawBody: 'decision=accept', headers: form }, 409],
    ];
    for (const [path, opts, status] of cases)
      expect((await rec.call('POST', path, opts)).status, `${path} ${JSON.stringify(opts)}`).toBe(status);
    expect((await rec.call('GET', `${link.path}`, { headers: { 'x-ms-client-principal': 'garbage' } })).status).toBe(200);

    const logs = svc.logs.slice(logsBefore).join('\n');
    // The failures were logged (so the check below is not vacuous) ...
    expect(logs).toContain('dependency unavailable');
    expect(logs).toContain('unexpected error');
    // ... and no log line holds the link, its token or its MAC.
    for (const l of [link, other]) for (const secret of secretsOf(l)) expect(logs.includes(secret), secret.slice(0, 12)).toBe(false);
    checks++;
  });
});

describe('isolation between partners', () => {
  it("every partner route: another partner (and the reseller's own provider) gets 404 or nothing of the first partner's data", async () => {
    // Partner A (the reseller) has a pending invitation, and a customer accepted through a combined one.
    const pending = await invite(w.reseller, {}, { companyName: 'Isolated Pending' });
    const combined = await invite(
      w.reseller,
      { indirectProviderId: w.provider.id },
      { companyName: 'Isolated Customer', domain: 'isolated.example' },
    );
    const customer = customerAdmin();
    expect((await rec.call('POST', combined.path, { as: customer, body: {} })).status).toBe(200);
    const aPage = await rec.call('GET', '/api/relationships?status=all&pageSize=1', { as: adminOf(w.reseller) });
    const strangers: [string, Who][] = [
      ['other reseller', adminOf(w.otherReseller)],
      ['other provider', adminOf(w.otherProvider, ['GlobalAdmin'])],
      ["A's own provider", adminOf(w.provider)],
    ];
    const covered = new Set<string>();
    const route = (name: keyof typeof operations) => {
      covered.add(name);
      return name;
    };
    const relBefore = (await rec.call('GET', `/api/relationships/${customer.tenantId}`, { as: adminOf(w.reseller) })).body;
    // A's access request to the customer.
    const requests = `/api/relationships/${customer.tenantId}/delegated-admin/requests`;
    const aRequest = (await rec.call('POST', requests, { as: adminOf(w.reseller), body: {} })).body as { id: string };
    // A's webhook and one of its events.
    const aHook = `http://127.0.0.1:9099/${randomUUID()}`;
    expect((await rec.call('PUT', '/api/webhooks', { as: adminOf(w.reseller), body: { url: aHook } })).status).toBe(201);
    const aEvent = (await rec.call('POST', '/api/webhooks/test', { as: adminOf(w.reseller) })).body.eventId as string;

    for (const [label, who] of strangers) {
      const isA = (x: any) => x.partnerId === w.reseller.id || x.id === pending.id || x.id === combined.id;
      route('getInvitation');
      for (const inv of [pending, combined])
        expect((await rec.call('GET', `/api/invitations/${inv.id}`, { as: who })).status, label).toBe(404);
      route('sendInvitation');
      expect(
        (await rec.call('POST', `/api/invitations/${pending.id}/send`, { as: who, body: { subject: 'Hijacked' } })).status,
        label,
      ).toBe(404);
      route('revokeInvitation');
      expect((await rec.call('DELETE', `/api/invitations/${pending.id}`, { as: who })).status, label).toBe(404);
      route('listInvitations');
      for (const status of ['all', 'pending', 'accepted']) {
        const list = await rec.call('GET', `/api/invitations?status=${status}&pageSize=500`, { as: who });
        expect(list.status).toBe(200);
        expect(list.body.items.filter(isA), `${label} ${status}`).toEqual([]);
      }
      route('listRelationships');
      for (const q of ['status=all', 'status=active&q=isolated', 'status=all&q=isolated.example', 'status=removed']) {
        const list = await rec.call('GET', `/api/relationships?${q}&pageSize=500`, { as: who });
        expect(list.status).toBe(200);
        expect(
          list.body.items.filter((x: any) => x.partnerId === w.reseller.id),
          `${label} ${q}`,
        ).toEqual([]);
        if (who.tenantId !== w.provider.id)
          expect(
            list.body.items.filter((x: any) => x.customerId === customer.tenantId),
            `${label} ${q}`,
          ).toEqual([]);
      }
      // A's continuation token is refused for anyone else.
      expect(
        (
          await rec.call(
            'GET',
            `/api/relationships?status=all&pageSize=1&continuationToken=${encodeURIComponent(aPage.body.continuationToken)}`,
            { as: who },
          )
        ).status,
        label,
      ).toBe(400);
      route('listAuditEvents');
      for (const q of ['', `customerId=${customer.tenantId}`]) {
        const audit = await rec.call('GET', `/api/audit?pageSize=500&${q}`, { as: who });
        expect(audit.status).toBe(200);
        expect(
          audit.body.items.filter((e: any) => e.partnerId !== who.tenantId),
          `${label} ${q}`,
        ).toEqual([]);
        expect(
          audit.body.items.filter(
            (e: any) => e.invitationId === pending.id || (e.action.startsWith('invitation.') && e.invitationId === combined.id),
          ),
          `${label} ${q}`,
        ).toEqual([]);
      }
      route('getPartner');
      expect((await rec.call('GET', '/api/partners/me', { as: who })).body.id, label).toBe(who.tenantId);
      // Webhooks and events: a stranger sees, rotates, tests and redelivers nothing of A's; its
      // own registration and removal leave A's alone.
      route('getWebhook');
      expect((await rec.call('GET', '/api/webhooks', { as: who })).status, label).toBe(404);
      route('rotateWebhookSecret');
      expect((await rec.call('POST', '/api/webhooks/rotate-secret', { as: who })).status, label).toBe(404);
      route('testWebhook');
      expect((await rec.call('POST', '/api/webhooks/test', { as: who })).status, label).toBe(404);
      route('redeliver');
      expect((await rec.call('POST', `/api/webhooks/deliveries/${aEvent}/redeliver`, { as: who })).status, label).toBe(404);
      route('listDeliveries');
      const dl = await rec.call('GET', '/api/webhooks/deliveries?pageSize=500', { as: who });
      expect(dl.status).toBe(200);
      expect(
        dl.body.items.filter((d: any) => d.eventId === aEvent),
        label,
      ).toEqual([]);
      route('listEvents');
      const feed = await rec.call('GET', '/api/events?pageSize=500', { as: who });
      expect(feed.status).toBe(200);
      expect(
        feed.body.items.filter((e: any) => e.source !== `/partners/${who.tenantId}` || e.id === aEvent),
        label,
      ).toEqual([]);
      route('putWebhook');
      expect((await rec.call('PUT', '/api/webhooks', { as: who, body: { url: 'http://127.0.0.1:9099/stranger' } })).status, label).toBe(
        201,
      );
      route('deleteWebhook');
      expect((await rec.call('DELETE', '/api/webhooks', { as: who })).status, label).toBe(204);
      const aStill = await rec.call('GET', '/api/webhooks', { as: adminOf(w.reseller) });
      expect(aStill.body.url, label).toBe(aHook);
      expect(aStill.body.previousSecretExpiresAt, label).toBeUndefined();
      // A's access request: found by no one else (the provider's requests are its own).
      route('getChangeRequest');
      expect((await rec.call('GET', `${requests}/${aRequest.id}`, { as: who })).status, label).toBe(404);
      route('revokeChangeRequest');
      expect((await rec.call('DELETE', `${requests}/${aRequest.id}`, { as: who })).status, label).toBe(404);
      route('sendChangeRequest');
      expect((await rec.call('POST', `${requests}/${aRequest.id}/send`, { as: who, body: {} })).status, label).toBe(404);
      if (who.tenantId === w.provider.id) continue; // the provider has its own relationship with the customer
      route('createChangeRequest');
      expect((await rec.call('POST', requests, { as: who, body: {} })).status, label).toBe(404);
      route('listChangeRequests');
      expect((await rec.call('GET', requests, { as: who })).status, label).toBe(404);
      route('getRelationship');
      expect((await rec.call('GET', `/api/relationships/${customer.tenantId}`, { as: who })).status, label).toBe(404);
      route('removeRelationship');
      expect(
        (await rec.call('POST', `/api/relationships/${customer.tenantId}/remove`, { as: who, body: { attestGoodFaith: true } })).status,
        label,
      ).toBe(404);
      route('setDelegatedAdminAutoExtend');
      expect(
        (await rec.call('PATCH', `/api/relationships/${customer.tenantId}/delegated-admin`, { as: who, body: { autoExtend: true } }))
          .status,
        label,
      ).toBe(404);
      route('revokeDelegatedAdmin');
      expect((await rec.call('POST', `/api/relationships/${customer.tenantId}/delegated-admin/revoke`, { as: who })).status, label).toBe(
        404,
      );
      route('createInvitation');
      // Binding an invitation to A's customer tells nothing about A (only the caller's own relationships count) ...
      expect(
        (
          await rec.call('POST', '/api/invitations', {
            as: who,
            body: { customer: { tenantId: customer.tenantId, companyName: 'X', email: 'x@x.example' } },
          })
        ).status,
        label,
      ).toBe(who.tenantId === w.otherReseller.id ? 201 : 403);
      // ... and A's provider cannot be used by another reseller.
      if (who.tenantId === w.otherReseller.id)
        expect(
          (
            await rec.call('POST', '/api/invitations', {
              as: who,
              body: { customer: { companyName: 'X', email: 'x@x.example' }, indirectProviderId: w.provider.id },
            })
          ).status,
        ).toBe(400);
    }
    // The provider sees its own relationship with the customer, never the reseller's data.
    const own = await rec.call('GET', `/api/relationships/${customer.tenantId}`, { as: adminOf(w.provider) });
    expect(own.body).toMatchObject({ partnerId: w.provider.id, role: 'indirectProvider', resellerId: w.reseller.id });

    // Nothing of A changed.
    expect((await rec.call('GET', `/api/invitations/${pending.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    expect((await rec.call('GET', `${requests}/${aRequest.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    expect((await rec.call('GET', `/api/relationships/${customer.tenantId}`, { as: adminOf(w.reseller) })).body).toEqual(relBefore);
    // Every partner route of the API was tried (a new route must be added here).
    const partnerRoutes = Object.values(operations)
      .filter((o) => o.access === 'partner')
      .map((o) => o.name);
    expect([...covered].sort()).toEqual([...partnerRoutes].sort());
    checks += covered.size;
  });
});

describe('HTML escaping', () => {
  const HOSTILE = {
    reseller: `Evil <script>alert("r")</script> & 'Co'`,
    provider: `<img src=x onerror=alert('p')>`,
    company: `"><svg onload=alert(1)>`,
    user: `<iframe src=javascript:alert(1)></iframe>`,
  };
  const ALLOWED_TAGS = new Set([
    ...['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'p', 'form', 'button', 'a', 'br', 'code'],
    // The roles asked for (a list) and the customer's page (a table).
    ...['ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ]);

  /** No tag but ours, no raw hostile value, and the escaped values where they are shown. */
  function assertSafe(html: string, shown: string[], label: string) {
    const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
    expect(
      tags.filter((t) => !ALLOWED_TAGS.has(t)),
      label,
    ).toEqual([]);
    for (const raw of Object.values(HOSTILE)) expect(html.includes(raw), `${label}: raw ${raw}`).toBe(false);
    const esc = (s: string) =>
      s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
    for (const s of shown) expect(html, `${label}: escaped ${s}`).toContain(esc(s));
    checks++;
  }

  it('the accept page (every state), the answered pages and the drafts escape hostile partner, provider, company and user names', async () => {
    const provider: Partner = { id: randomUUID(), name: HOSTILE.provider, kind: 'indirectProvider', indirectProviderIds: [] };
    const reseller: Partner = { id: randomUUID(), name: HOSTILE.reseller, kind: 'reseller', indirectProviderIds: [provider.id] };
    await enrolPartners(svc.deps, [provider, reseller]);
    const names = [HOSTILE.reseller, HOSTILE.provider, HOSTILE.company];
    const user: Who = { ...customerAdmin(), name: HOSTILE.user };
    for (const locale of ['en', 'es']) {
      const link = await invite(reseller, { indirectProviderId: provider.id, locale }, { companyName: HOSTILE.company });
      const view = (await rec.call('GET', `/api/invitations/${link.id}`, { as: adminOf(reseller) })).body;
      assertSafe(view.draft.html, names, `draft ${locale}`);
      // Plain-text parts carry the names as they are, on one line for the subject.
      expect(view.draft.subject).not.toMatch(/[\r\n]/);
      assertSafe((await rec.call('GET', link.path)).text, names, `page signed out ${locale}`);
      assertSafe((await rec.call('GET', link.path, { as: user })).text, [...names, HOSTILE.user], `page signed in ${locale}`);
      const denied = await rec.call('POST', link.path, {
        as: { ...user, roles: ['Reader'] },
        rawBody: 'decision=accept',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(denied.status).toBe(403);
      assertSafe(denied.text, [], `error page ${locale}`);
      const done = await rec.call('POST', link.path, {
        as: user,
        rawBody: 'decision=accept',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(done.status).toBe(200);
      assertSafe(done.text, names, `accepted page ${locale}`);
      assertSafe((await rec.call('GET', link.path, { as: user })).text, [], `already accepted ${locale}`);
      const declined = await invite(reseller, { locale }, { companyName: HOSTILE.company });
      const d = await rec.call('POST', declined.path, {
        as: user,
        rawBody: 'decision=decline',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assertSafe(d.text, [HOSTILE.reseller], `declined page ${locale}`);
      assertSafe((await rec.call('GET', declined.path)).text, [], `invalid page ${locale}`);
    }
    // The runner's own sign-in page shows where it sends the user back to, normalised by the URL
    // parser (which percent-encodes quotes and angle brackets) and escaped (`&`).
    const signIn = await rec.call(
      'GET',
      `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent('/"><script>alert(1)</script>?a&b')}`,
    );
    expect(signIn.text).not.toContain('<script>alert(1)');
    expect(signIn.text).toContain('<code>/%22%3E%3Cscript%3Ealert(1)%3C/script%3E?a&amp;b</code>');
  });
});

describe('the accept page against other sites', () => {
  const FRAME_HEADERS = (h: Headers, label: string) => {
    expect(h.get('x-frame-options'), label).toBe('DENY');
    expect(h.get('content-security-policy') ?? '', label).toContain("frame-ancestors 'none'");
    expect(h.get('content-security-policy') ?? '', label).toContain("form-action 'self'");
    expect(h.get('cache-control'), label).toBe('no-store');
    expect(h.get('referrer-policy'), label).toBe('no-referrer');
    expect(h.get('x-content-type-options'), label).toBe('nosniff');
    checks++;
  };

  it('cross-site posts (Origin or Sec-Fetch-Site) change nothing, as JSON or as a form, to accept or to decline', async () => {
    const link = await invite(w.reseller, { indirectProviderId: w.provider.id });
    const ga = customerAdmin();
    const port = svc.runner.port;
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: `http://localhost:${port}.evil.example` },
      { origin: `http://localhost:${port + 1}` },
      { origin: `https://localhost:${port}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: svc.url },
      { 'sec-fetch-site': 'same-site', origin: 'null' },
    ];
    for (const headers of crossSite) {
      for (const decision of ['accept', 'decline']) {
        const json = await rec.call('POST', link.path, { as: ga, body: { decision }, headers });
        expect(json.status, JSON.stringify(headers)).toBe(403);
        expect(json.body.type).toMatch(/cross-site-request$/);
        const form = await rec.call('POST', link.path, {
          as: ga,
          rawBody: `decision=${decision}`,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(form.status).toBe(403);
        FRAME_HEADERS(form.headers, `refused form ${JSON.stringify(headers)}`);
      }
    }
    // Nothing happened: still pending, only its creation audited, no relationship anywhere.
    expect((await rec.call('GET', `/api/invitations/${link.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    const audit = await rec.call('GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) });
    expect(audit.body.items.filter((e: any) => e.invitationId === link.id).map((e: any) => e.action)).toEqual(['invitation.created']);
    expect((await rec.call('GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.provider) })).status).toBe(404);
    // The page's own form (what a browser sends after no-referrer) still works.
    expect(
      (
        await rec.call('POST', link.path, {
          as: ga,
          rawBody: 'decision=accept',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' },
        })
      ).status,
    ).toBe(200);
  });

  it('no page of the link can be framed or cached: open, signed in, accepted, invalid, answered, refused, HEAD', async () => {
    const link = await invite(w.reseller);
    const ga = customerAdmin();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const responses: [string, Headers][] = [];
    const add = async (label: string, p: Promise<{ headers: Headers; status: number }>) => responses.push([label, (await p).headers]);
    await add('open', rec.call('GET', link.path));
    await add('signed in', rec.call('GET', link.path, { as: ga }));
    await add('HEAD', fetch(`${svc.url}${link.path}`, { method: 'HEAD' }));
    await add('error page', rec.call('POST', link.path, { as: { ...ga, roles: ['Reader'] }, rawBody: 'decision=accept', headers: form }));
    await add('accepted', rec.call('POST', link.path, { as: ga, rawBody: 'decision=accept', headers: form }));
    await add('already accepted', rec.call('GET', link.path, { as: ga }));
    await add('invalid', rec.call('GET', '/api/accept/not-a-token'));
    await add('invalid post', rec.call('POST', '/api/accept/not-a-token', { as: ga, rawBody: 'decision=accept', headers: form }));
    for (const [label, headers] of responses) FRAME_HEADERS(headers, label);
    expect(responses).toHaveLength(8);
  });
});
