/**
 * Access requests through real HTTP on Azurite: the partner asks for other roles or more time,
 * the customer's global admin approves all or some added roles (or declines) on the link's page,
 * with the accept page's protections; a new request supersedes the pending one; the partner
 * reduces roles without consent (PATCH with If-Match), and a PATCH that adds one is refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDueGrants } from '../../src/domain/delegatedAdmin';
import { DIRECTORY_READERS, GLOBAL_ADMINISTRATOR, GLOBAL_READER } from '../../src/domain/roles';
import { PAGE_HEADERS } from '../../src/http/pages';
import type { FakeAcs } from '../support/fakeAcs';
import {
  adminOf,
  call,
  customerAdmin,
  drainQueue,
  startWorld,
  startWorldWithEmail,
  type Service,
  type Who,
  type World,
} from '../support/harness';

let svc: Service;
let w: World;
beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const DAY = 86_400_000;

/** A customer that accepted an invitation for `roles` (in `locale`). */
async function customerWith(roles: string[], locale = 'en', partner = w.reseller): Promise<Who> {
  const ga = customerAdmin();
  const inv = await call(svc, 'POST', '/api/invitations', {
    as: adminOf(partner),
    body: {
      customer: { companyName: 'Contoso', email: 'it@contoso.example', tenantId: ga.tenantId },
      locale,
      access: { roles, duration: 'P30D' },
    },
  });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  expect((await call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: { decision: 'accept' } })).status).toBe(200);
  return ga;
}

const requestsPath = (customerId: string) => `/api/relationships/${customerId}/delegated-admin/requests`;

async function ask(ga: Who, body: Record<string, unknown>, partner = w.reseller) {
  const r = await call(svc, 'POST', requestsPath(ga.tenantId), { as: adminOf(partner), body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...r.body, path: new URL(r.body.url as string).pathname } as Record<string, any> & { path: string };
}

const form = (body: string, extra: Record<string, string> = {}) => ({
  rawBody: body,
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...extra },
});

const relationship = async (ga: Who, partner = w.reseller) =>
  (await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(partner) })).body;

describe('asking', () => {
  it('records what changes, with its own link and a draft in the customer language, and a Location', async () => {
    const ga = await customerWith([GLOBAL_READER, DIRECTORY_READERS], 'es');
    const r = await call(svc, 'POST', requestsPath(ga.tenantId), {
      as: adminOf(w.reseller),
      body: { roles: [GLOBAL_READER, HELPDESK, EXCHANGE], duration: 'P90D' },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`${requestsPath(ga.tenantId)}/${r.body.id}`);
    expect(r.body).toMatchObject({
      status: 'pending',
      customerId: ga.tenantId,
      current: { roles: [GLOBAL_READER, DIRECTORY_READERS], autoExtend: false },
      requested: { roles: [GLOBAL_READER, HELPDESK, EXCHANGE], duration: 'P90D', autoExtend: false },
      added: [HELPDESK, EXCHANGE],
      removed: [DIRECTORY_READERS],
      kept: [GLOBAL_READER],
      locale: 'es',
      email: { status: 'notSent' },
    });
    expect(r.body.url).toMatch(new RegExp(`^${svc.url}/api/customer/requests/[A-Za-z0-9_-]{107}$`));
    expect(r.body.draft.to).toBe('it@contoso.example');
    expect(r.body.draft.subject).toContain('pide a Contoso cambiar');
    expect(r.body.draft.text).toContain('- Administrador del departamento de soporte técnico');
    expect(r.body.draft.text).toContain(r.body.url);
    expect(r.body.draft.html).toContain(`<a href="${r.body.url}"`);
    // The partner escapes nowhere: its name is escaped in the HTML draft.
    expect(r.body.draft.html).toContain('Fabrikam &amp; Co &lt;Resellers&gt;');
    const got = await call(svc, 'GET', `${requestsPath(ga.tenantId)}/${r.body.id}`, { as: adminOf(w.reseller) });
    expect(got.body).toEqual(r.body);
    const audit = (await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) })).body.items;
    expect(audit[0]).toMatchObject({ action: 'delegatedAdmin.changeRequested', details: { accessRequest: { id: r.body.id } } });
    expect(JSON.stringify(audit[0])).not.toContain('nonce');
  });

  it('refuses bad input (400, before any state check), unknown customers and other partners (404)', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const bad: [unknown, string][] = [
      [{ roles: [randomUUID()] }, 'roles'],
      [{ roles: [] }, 'roles'],
      [{ duration: 'P0D' }, 'duration'],
      [{ roles: [GLOBAL_ADMINISTRATOR], autoExtend: true }, 'autoExtend'],
      [{ locale: 'fr' }, 'locale'],
      [{ extra: 1 }, '(body)'],
    ];
    for (const [body, field] of bad) {
      const r = await call(svc, 'POST', requestsPath(ga.tenantId), { as: adminOf(w.reseller), body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(r.body.errors ?? {}).join(), JSON.stringify(r.body)).toContain(field === '(body)' ? '' : field);
    }
    expect((await call(svc, 'POST', requestsPath(randomUUID()), { as: adminOf(w.reseller), body: {} })).status).toBe(404);
    expect((await call(svc, 'POST', requestsPath(ga.tenantId), { as: adminOf(w.otherReseller), body: {} })).status).toBe(404);
    expect((await call(svc, 'GET', requestsPath(ga.tenantId), { as: adminOf(w.otherReseller) })).status).toBe(404);
    expect(
      (await call(svc, 'POST', requestsPath(ga.tenantId), { as: { tenantId: w.reseller.id, roles: ['Reader'] }, body: {} })).status,
    ).toBe(403);
  });

  it('is 409 unless delegated admin is granted or expired on an active relationship', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    expect((await call(svc, 'POST', `/api/relationships/${ga.tenantId}/delegated-admin/revoke`, { as: adminOf(w.reseller) })).status).toBe(
      200,
    );
    const r = await call(svc, 'POST', requestsPath(ga.tenantId), { as: adminOf(w.reseller), body: { roles: [HELPDESK] } });
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/delegated-admin-not-changeable$/);
  });

  it('a new request supersedes the pending one: its link answers 410', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const first = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const second = await ask(ga, { roles: [GLOBAL_READER, EXCHANGE] });
    expect((await call(svc, 'GET', first.path, { as: ga })).status).toBe(410);
    expect((await call(svc, 'POST', first.path, { as: ga, body: { decision: 'approve' } })).status).toBe(410);
    const list = (await call(svc, 'GET', requestsPath(ga.tenantId), { as: adminOf(w.reseller) })).body.items;
    expect(list.map((r: any) => [r.id, r.status])).toEqual([
      [second.id, 'pending'],
      [first.id, 'superseded'],
    ]);
    expect(list[1].url).toBeUndefined();
  });

  it('of concurrent requests for one relationship, exactly one stays pending', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const results = await Promise.all(
      [HELPDESK, EXCHANGE, DIRECTORY_READERS, HELPDESK].map((role) =>
        call(svc, 'POST', requestsPath(ga.tenantId), { as: adminOf(w.reseller), body: { roles: [GLOBAL_READER, role] } }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const list = (await call(svc, 'GET', requestsPath(ga.tenantId), { as: adminOf(w.reseller) })).body.items;
    expect(list).toHaveLength(4);
    expect(list.filter((r: any) => r.status === 'pending')).toHaveLength(1);
  });

  it('a revoked request’s link answers 410; revoking again returns it; a declined one cannot be revoked', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const path = `${requestsPath(ga.tenantId)}/${req.id}`;
    const revoked = await call(svc, 'DELETE', path, { as: adminOf(w.reseller) });
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect((await call(svc, 'DELETE', path, { as: adminOf(w.reseller) })).status).toBe(200);
    expect((await call(svc, 'GET', req.path)).status).toBe(410);
    const next = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    expect((await call(svc, 'POST', next.path, { as: ga, body: { decision: 'decline' } })).body.status).toBe('declined');
    const late = await call(svc, 'DELETE', `${requestsPath(ga.tenantId)}/${next.id}`, { as: adminOf(w.reseller) });
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/request-not-pending$/);
  });
});

describe("the customer's page", () => {
  it('shows the change side by side in the request language; GET changes nothing; the page headers of the accept page', async () => {
    const ga = await customerWith([GLOBAL_READER, DIRECTORY_READERS]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK, EXCHANGE], duration: 'P90D', locale: 'es' });
    const page = await call(svc, 'GET', req.path, { as: ga });
    expect(page.status).toBe(200);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(page.headers.get(name)).toBe(value);
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('Roles añadidos');
    expect(page.text).toMatch(
      /value="729827e3-9c14-49f7-bb1b-9608f156bbb8" form="answer" checked> Administrador del departamento de soporte técnico <strong>\(con privilegios\)<\/strong>/,
    );
    expect(page.text).toMatch(/value="29232cdf-9323-42fd-ade2-1d097af3e4de" form="answer" checked> Administrador de Exchange<\/label>/);
    expect(page.text).toContain('Lectores de directorios'); // removed
    expect(page.text).toContain('Fecha de fin actual');
    expect(page.text).toContain('>Aprobar</button>');
    // Opening the link (twice) answered nothing.
    await call(svc, 'GET', req.path, { as: ga });
    expect((await call(svc, 'GET', `${requestsPath(ga.tenantId)}/${req.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    expect((await relationship(ga)).delegatedAdmin.roles).toEqual([GLOBAL_READER, DIRECTORY_READERS]);
  });

  it('a reader, another tenant and a signed-out visitor get no form and are told why', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const reader = await call(svc, 'GET', req.path, { as: { tenantId: ga.tenantId, roles: ['Reader'] } });
    expect(reader.text).toContain('you need the Global Administrator role');
    const stranger = await call(svc, 'GET', req.path, { as: customerAdmin() });
    expect(stranger.text).toContain('This request is for another organisation');
    const anonymous = await call(svc, 'GET', req.path);
    expect(anonymous.text).toContain('/.auth/login/aad?post_login_redirect_uri=');
    for (const p of [reader, stranger, anonymous]) {
      expect(p.text).not.toContain('<form');
      expect(p.text).not.toContain('type="checkbox"');
    }
    const refused: Who[] = [{ tenantId: ga.tenantId, roles: ['Reader'] }, customerAdmin(), adminOf(w.reseller)];
    for (const who of refused) expect((await call(svc, 'POST', req.path, { as: who, body: {} })).status).toBe(403);
    expect((await call(svc, 'POST', req.path, { body: {} })).status).toBe(401);
  });

  it('refuses cross-site form posts (403) and answers unknown or tampered links with 410', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
    ];
    for (const headers of crossSite) {
      const r = await call(svc, 'POST', req.path, {
        as: ga,
        rawBody: 'decision=approve',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    const token = req.path.split('/').pop()!;
    const tampered = `${token.slice(0, 60)}${token[60] === 'A' ? 'B' : 'A'}${token.slice(61)}`;
    for (const bad of [tampered, 'x'.repeat(107), 'nope']) {
      expect((await call(svc, 'GET', `/api/customer/requests/${bad}`)).status).toBe(410);
      expect((await call(svc, 'POST', `/api/customer/requests/${bad}`, { as: ga, body: {} })).status).toBe(410);
    }
    expect((await call(svc, 'GET', `${requestsPath(ga.tenantId)}/${req.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
  });

  it("the customer's Partner relationships page lists the pending request with its link", async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const page = await call(svc, 'GET', '/api/customer', { as: ga });
    expect(page.text).toContain('Pending request to change roles');
    expect(page.text).toContain(`href="${req.url}"`);
  });
});

describe('approving', () => {
  it('a subset by the form: kept + approved roles, the new duration from now, auto-extension; the index, audit and event follow', async () => {
    const ga = await customerWith([GLOBAL_READER, DIRECTORY_READERS]);
    const before = await relationship(ga);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK, EXCHANGE], duration: 'P90D', autoExtend: true });
    const t0 = Date.now();
    const page = await call(svc, 'POST', req.path, { as: ga, ...form(`roles=&roles=${EXCHANGE}&decision=approve`) });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('You approved the request');
    expect(page.text).toContain('Exchange Administrator');
    const after = await relationship(ga);
    expect(after.delegatedAdmin).toMatchObject({ status: 'granted', roles: [GLOBAL_READER, EXCHANGE], autoExtend: true });
    expect(Date.parse(after.delegatedAdmin.endsAt) - t0).toBeGreaterThanOrEqual(90 * DAY - 1000);
    expect(Date.parse(after.delegatedAdmin.endsAt) - t0).toBeLessThan(90 * DAY + 60_000);
    expect(after.etag).not.toBe(before.etag);
    const got = (await call(svc, 'GET', `${requestsPath(ga.tenantId)}/${req.id}`, { as: adminOf(w.reseller) })).body;
    expect(got).toMatchObject({ status: 'approved', approvedRoles: [EXCHANGE], answeredBy: { tenantId: ga.tenantId } });
    const seen = (await call(svc, 'GET', '/api/customer/relationships', { as: ga })).body.items[0];
    expect(seen.delegatedAdmin).toMatchObject({ roles: [GLOBAL_READER, EXCHANGE], endsAt: after.delegatedAdmin.endsAt });
    const audit = (await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) })).body.items;
    expect(audit[0]).toMatchObject({ action: 'delegatedAdmin.changeApproved', details: { roles: [GLOBAL_READER, EXCHANGE] } });
    // The outbox, as the feed will list it once settled.
    const events = (await svc.deps.store.events(w.reseller.id, { settledBefore: new Date(Date.now() + DAY) }, { pageSize: 500 })).items;
    const approved = events.find((e) => e.type === 'delegatedAdmin.changeApproved' && e.subject === `relationships/${ga.tenantId}`);
    expect((approved?.data.delegatedAdmin as any).roles).toEqual([GLOBAL_READER, EXCHANGE]);
    // The page now tells the answer, without a form; approving again is idempotent; declining is too late.
    const again = await call(svc, 'GET', req.path, { as: ga });
    expect(again.text).toContain('You approved the request');
    expect(again.text).not.toContain('<form');
    const repeat = await call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve' } });
    expect(repeat.body).toMatchObject({ status: 'approved', roles: [GLOBAL_READER, EXCHANGE] });
    expect((await call(svc, 'POST', req.path, { as: ga, body: { decision: 'decline' } })).status).toBe(409);
    expect((await relationship(ga)).etag).toBe(after.etag);
  });

  it('as JSON: all added roles by default; a role that is not added is 400; approving none is 400', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [HELPDESK], duration: 'P7D' });
    const notAdded = await call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve', roles: [GLOBAL_READER] } });
    expect(notAdded.status).toBe(400);
    expect(notAdded.body.errors.roles).toBeDefined();
    // Nothing kept (the reader is removed) and nothing approved: nothing to grant.
    expect((await call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve', roles: [] } })).status).toBe(400);
    const ok = await call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve' } });
    expect(ok.body).toMatchObject({ status: 'approved', roles: [HELPDESK] });
  });

  it('an expired grant: every requested role is added, and approval grants it again', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const rel = await relationship(ga);
    const later = { ...svc.deps, clock: { now: () => new Date(Date.parse(rel.delegatedAdmin.endsAt) + 1000) } };
    // The grant's due row is written after the answer, by its announcement's worker.
    await drainQueue(svc);
    await processDueGrants(later, 500);
    expect((await relationship(ga)).delegatedAdmin.status).toBe('expired');
    const req = await ask(ga, { roles: [GLOBAL_READER], duration: 'P30D' });
    expect(req).toMatchObject({ added: [GLOBAL_READER], kept: [], removed: [], current: { roles: [] } });
    await call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve' } });
    expect((await relationship(ga)).delegatedAdmin).toMatchObject({ status: 'granted', roles: [GLOBAL_READER] });
  });

  it('declining changes nothing but the request; a removed relationship cannot be approved (409)', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const before = await relationship(ga);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const declined = await call(svc, 'POST', req.path, { as: ga, ...form('decision=decline') });
    expect(declined.text).toContain('You declined the request');
    expect((await relationship(ga)).etag).toBe(before.etag);
    const next = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    await call(svc, 'POST', `/api/relationships/${ga.tenantId}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: true } });
    const r = await call(svc, 'POST', next.path, { as: ga, body: { decision: 'approve' } });
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/relationship-changed$/);
  });

  it('of an approval racing a revocation, exactly one wins', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const [approve, revoke] = await Promise.all([
      call(svc, 'POST', req.path, { as: ga, body: { decision: 'approve' } }),
      call(svc, 'DELETE', `${requestsPath(ga.tenantId)}/${req.id}`, { as: adminOf(w.reseller) }),
    ]);
    const final = (await call(svc, 'GET', `${requestsPath(ga.tenantId)}/${req.id}`, { as: adminOf(w.reseller) })).body;
    const roles = (await relationship(ga)).delegatedAdmin.roles;
    if (final.status === 'approved') {
      expect(approve.status).toBe(200);
      expect(revoke.status).toBe(409);
      expect(roles).toEqual([GLOBAL_READER, HELPDESK]);
    } else {
      expect(final.status).toBe('revoked');
      expect(approve.status).toBe(410);
      expect(roles).toEqual([GLOBAL_READER]);
    }
  });
});

describe('reducing roles (PATCH …/delegated-admin)', () => {
  it('keeps a subset with If-Match; adding a role is refused pointing at access requests; a stale ETag is 412', async () => {
    const ga = await customerWith([GLOBAL_READER, DIRECTORY_READERS, HELPDESK]);
    const rel = await relationship(ga);
    const path = `/api/relationships/${ga.tenantId}/delegated-admin`;
    const adding = await call(svc, 'PATCH', path, {
      as: adminOf(w.reseller),
      body: { roles: [GLOBAL_READER, EXCHANGE] },
      headers: { 'if-match': rel.etag },
    });
    expect(adding.status).toBe(409);
    expect(adding.body.type).toMatch(/approval-required$/);
    expect(adding.body.detail).toContain(`/api/relationships/${ga.tenantId}/delegated-admin/requests`);
    expect((await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: { roles: [randomUUID()] } })).status).toBe(400);
    expect((await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: { roles: [] } })).status).toBe(400);
    expect((await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: {} })).status).toBe(400);
    const reduced = await call(svc, 'PATCH', path, {
      as: adminOf(w.reseller),
      body: { roles: [HELPDESK, GLOBAL_READER] },
      headers: { 'if-match': rel.etag },
    });
    expect(reduced.status).toBe(200);
    expect(reduced.body.delegatedAdmin).toMatchObject({ roles: [GLOBAL_READER, HELPDESK], endsAt: rel.delegatedAdmin.endsAt });
    expect(reduced.headers.get('etag')).toBe(reduced.body.etag);
    const stale = await call(svc, 'PATCH', path, {
      as: adminOf(w.reseller),
      body: { roles: [GLOBAL_READER] },
      headers: { 'if-match': rel.etag },
    });
    expect(stale.status).toBe(412);
    const audit = (await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) })).body.items;
    expect(audit[0]).toMatchObject({ action: 'delegatedAdmin.rolesReduced', details: { removed: [DIRECTORY_READERS] } });
    const seen = (await call(svc, 'GET', '/api/customer/relationships', { as: ga })).body.items[0];
    expect(seen.delegatedAdmin.roles).toEqual([GLOBAL_READER, HELPDESK]);
    // The same reduction again changes nothing.
    const same = await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: { roles: [GLOBAL_READER, HELPDESK] } });
    expect(same.body.etag).toBe(reduced.body.etag);
  });
});

describe('sending the draft', () => {
  it('without email configured: 409 email-not-configured, the draft stays usable', async () => {
    const ga = await customerWith([GLOBAL_READER]);
    const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
    const r = await call(svc, 'POST', `${requestsPath(ga.tenantId)}/${req.id}/send`, { as: adminOf(w.reseller) });
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/email-not-configured$/);
  });

  describe('through Communication Services', () => {
    let mail: { svc: Service; w: World; acs: FakeAcs; close: () => Promise<void> };
    beforeAll(async () => (mail = await startWorldWithEmail()));
    afterAll(() => mail.close());

    it('sends once per draft, refuses an edit without the link (400), and stops at the per-request limit (429)', async () => {
      const [prev, prevW] = [svc, w];
      [svc, w] = [mail.svc, mail.w];
      try {
        const ga = await customerWith([GLOBAL_READER], 'es');
        const req = await ask(ga, { roles: [GLOBAL_READER, HELPDESK] });
        const path = `${requestsPath(ga.tenantId)}/${req.id}/send`;
        const sent = await call(svc, 'POST', path, { as: adminOf(w.reseller) });
        expect(sent.status, JSON.stringify(sent.body)).toBe(200);
        expect(sent.body.email).toMatchObject({ status: 'sent' });
        expect((await call(svc, 'POST', path, { as: adminOf(w.reseller) })).status).toBe(200);
        expect(mail.acs.sends).toHaveLength(1);
        expect(mail.acs.sends[0]!.body.recipients?.to?.[0]?.address).toBe('it@contoso.example');
        expect(mail.acs.sends[0]!.body.content?.subject).toContain('pide a Contoso');
        const noLink = await call(svc, 'POST', path, { as: adminOf(w.reseller), body: { text: 'Please approve.' } });
        expect(noLink.status).toBe(400);
        expect(noLink.body.type).toMatch(/link-missing$/);
        for (let i = 2; i <= 5; i++) {
          const r = await call(svc, 'POST', path, { as: adminOf(w.reseller), body: { subject: `Reminder ${i}` } });
          expect(r.status).toBe(200);
        }
        const over = await call(svc, 'POST', path, { as: adminOf(w.reseller), body: { subject: 'One more' } });
        expect(over.status).toBe(429);
        expect(over.headers.get('retry-after')).toBeTruthy();
        expect(mail.acs.sends).toHaveLength(5);
        const audit = (await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) })).body.items;
        expect(audit.filter((e: any) => e.action === 'delegatedAdmin.changeSent')).toHaveLength(5);
      } finally {
        [svc, w] = [prev, prevW];
      }
    });
  });
});
