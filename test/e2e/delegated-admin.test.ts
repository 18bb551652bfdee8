/**
 * Delegated admin through real HTTP on Azurite: the role catalogue, invitations with roles, the
 * accept page, the partner's and the customer's views, revocation on both sides, and expiry and
 * extension by the scheduled job with a clock moved forward.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDueGrants } from '../../src/domain/delegatedAdmin';
import { UnavailableError } from '../../src/domain/errors';
import { GLOBAL_ADMINISTRATOR, GLOBAL_READER, DIRECTORY_READERS } from '../../src/domain/roles';
import { adminOf, call, customerAdmin, drainQueue, startWorld, type Service, type Who, type World } from '../support/harness';
import { accept, invite as inviteWith } from '../support/fixtures';
import type { CreateInvitationInput } from '../../src/client';

let svc: Service;
let w: World;
beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';

const invite = (body: Partial<CreateInvitationInput> = {}) => inviteWith(svc, w.reseller, body);

async function acceptAs(ga: Who, extra: Partial<CreateInvitationInput> = {}) {
  const inv = await invite(extra);
  await accept(svc, inv, ga);
  return inv;
}

const partnerView = async (partner: { id: string }, customerId: string) =>
  (await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(partner) })).body;
const customerView = async (ga: Who, lang = 'en') =>
  (await call(svc, 'GET', '/api/customer/relationships', { as: ga, headers: { 'accept-language': lang } })).body.items as any[];

describe('GET /api/roles', () => {
  it('lists the Entra built-in roles by template ID with English and Spanish names', async () => {
    const r = await call(svc, 'GET', '/api/roles');
    expect(r.status).toBe(200);
    const ga = r.body.items.find((x: any) => x.id === GLOBAL_ADMINISTRATOR);
    expect(ga).toEqual({
      id: GLOBAL_ADMINISTRATOR,
      name: { en: 'Global Administrator', es: 'Administrador global' },
      privileged: true,
      default: false,
    });
    const readers = r.body.items.find((x: any) => x.id === DIRECTORY_READERS);
    expect(readers).toMatchObject({ name: { en: 'Directory Readers' }, default: true });
    expect(r.body.items).toHaveLength(11);
  });
});

describe('createInvitation access', () => {
  it('defaults to the readers for two years and says so in the draft', async () => {
    const inv = await invite();
    expect(inv.access).toEqual({ roles: [DIRECTORY_READERS, GLOBAL_READER], duration: 'P730D', autoExtend: false });
    expect(inv.draft.text).toContain('- Directory Readers\n- Global Reader');
    expect(inv.draft.text).toContain('730 days');
    expect(inv.draft.text).toContain(`${svc.url}/api/customer`);
    expect(inv.draft.html).toContain('<li>Global Reader</li>');
    expect(inv.draft.html).toContain(`<a href="${svc.url}/api/customer">`);
  });

  it('refuses unknown roles (named), bad durations and auto-extended Global Administrator with 400', async () => {
    const bad = randomUUID();
    const cases: [unknown, string][] = [
      [{ roles: [GLOBAL_READER, bad] }, 'access.roles'],
      [{ duration: 'P731D' }, 'access.duration'],
      [{ duration: 'P0D' }, 'access.duration'],
      [{ duration: '30 days' }, 'access.duration'],
      [{ roles: [GLOBAL_ADMINISTRATOR], autoExtend: true }, 'access.autoExtend'],
    ];
    for (const [access, field] of cases) {
      const r = await call(svc, 'POST', '/api/invitations', {
        as: adminOf(w.reseller),
        body: { customer: { companyName: 'C', email: 'a@c.example' }, access },
      });
      expect(r.status, JSON.stringify(access)).toBe(400);
      expect(r.body.errors).toHaveProperty([field]);
    }
    const named = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'C', email: 'a@c.example' }, access: { roles: [bad] } },
    });
    expect(named.body.detail).toContain(bad);
  });
});

describe('the accept page', () => {
  it('lists the roles by name in the invitation language, the duration, the end date and the customer page link', async () => {
    for (const [locale, names, words] of [
      [
        'en',
        ['Helpdesk Administrator', 'Exchange Administrator'],
        ['90 days', 'remove these roles at any time', 'Your partner relationships'],
      ],
      [
        'es',
        ['Administrador del departamento de soporte técnico', 'Administrador de Exchange'],
        ['90 días', 'quitar estos roles en cualquier momento', 'Tus relaciones con partners'],
      ],
    ] as const) {
      const inv = await invite({ locale, access: { roles: [HELPDESK, EXCHANGE], duration: 'P90D', autoExtend: true } });
      const r = await call(svc, 'GET', inv.path, { as: customerAdmin() });
      expect(r.status).toBe(200);
      for (const n of [...names, ...words]) expect(r.text).toContain(n);
      expect(r.text).toContain('href="/api/customer"');
      expect(r.text).toContain('180');
      expect(r.text).toContain('value="accept"');
    }
  });

  it('shows no buttons to a user without GlobalAdmin, but the role needed and a switch-account link', async () => {
    const inv = await invite();
    const r = await call(svc, 'GET', inv.path, { as: { tenantId: randomUUID(), roles: ['User'] } });
    expect(r.text).not.toContain('<form');
    expect(r.text).toContain('Global Administrator role');
    expect(r.text).toContain(
      `href="/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(`/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(inv.path)}`)}"`,
    );
  });

  it('tells a signed-in tenant that is not the bound one, before it posts', async () => {
    const bound = randomUUID();
    const inv = await invite({ customer: { tenantId: bound, companyName: 'Bound', email: 'a@b.example' }, locale: 'es' });
    const r = await call(svc, 'GET', inv.path, { as: customerAdmin() });
    expect(r.text).not.toContain('<form');
    expect(r.text).toContain('se envió a otra organización');
    expect(r.text).toContain(bound);
    expect((await call(svc, 'GET', inv.path, { as: customerAdmin(bound) })).text).toContain('<form');
  });

  it('says in Spanish that the invitation "ha sido aceptada" right after accepting', async () => {
    const inv = await invite({ locale: 'es' });
    const r = await call(svc, 'POST', inv.path, {
      as: customerAdmin(),
      rawBody: 'decision=accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(200);
    expect(r.text).toContain('La invitación ha sido aceptada');
    expect(r.text).not.toContain('ya fue aceptada');
    expect(r.text).toContain('has aprobado');
  });
});

describe('partner and customer views', () => {
  it('invite with roles, accept, both sides agree; the customer revokes; the partner sees revoked', async () => {
    const ga = customerAdmin();
    const inv = await acceptAs(ga, { indirectProviderId: w.provider.id, access: { roles: [HELPDESK], duration: 'P30D' } });
    const mine = await partnerView(w.reseller, ga.tenantId);
    expect(mine.delegatedAdmin).toMatchObject({ status: 'granted', roles: [HELPDESK], autoExtend: false });
    expect(Date.parse(mine.delegatedAdmin.endsAt) - Date.parse(mine.delegatedAdmin.grantedAt)).toBe(30 * 86_400_000);

    const seen = await customerView(ga, 'es');
    expect(seen.map((r) => [r.partnerName, r.role]).sort()).toEqual(
      [
        [w.reseller.name, 'reseller'],
        [w.provider.name, 'indirectProvider'],
      ].sort(),
    );
    const reseller = seen.find((r) => r.partnerId === w.reseller.id);
    expect(reseller.delegatedAdmin).toMatchObject({
      status: 'granted',
      roles: [HELPDESK],
      roleNames: ['Administrador del departamento de soporte técnico'],
      endsAt: mine.delegatedAdmin.endsAt,
    });
    expect(JSON.stringify(seen)).not.toContain('removedBy');

    // The page: English by default, Spanish from Accept-Language, a Remove roles button per partner.
    const page = await call(svc, 'GET', '/api/customer', { as: ga });
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Partner relationships');
    expect(page.text.match(/>Remove roles</g)).toHaveLength(2);
    const es = await call(svc, 'GET', '/api/customer', { as: ga, headers: { 'accept-language': 'es-ES,es;q=0.9' } });
    expect(es.text).toContain('Relaciones con partners');
    expect(es.text).toContain('Quitar roles');

    // A cross-site form post is refused.
    const cross = await call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, {
      as: ga,
      rawBody: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect(cross.status).toBe(403);

    const revoked = await call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, { as: ga, body: {} });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      partnerId: w.reseller.id,
      status: 'active',
      delegatedAdmin: { status: 'revoked', revokedBy: 'customer' },
    });
    expect(JSON.stringify(revoked.body)).not.toContain(ga.name!);

    const after = await partnerView(w.reseller, ga.tenantId);
    expect(after).toMatchObject({
      status: 'active',
      delegatedAdmin: { status: 'revoked', revokedBy: { party: 'customer', tenantId: ga.tenantId } },
    });
    const audit = await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) });
    expect(audit.body.items[0]).toMatchObject({ action: 'delegatedAdmin.revoked', details: { by: 'customer' }, invitationId: inv.id });
    // The provider's roles stay until removed too.
    expect((await partnerView(w.provider, ga.tenantId)).delegatedAdmin.status).toBe('granted');

    // The page shows it removed (no button for it), through a same-site form post.
    const form = await call(svc, 'POST', `/api/customer/relationships/${w.provider.id}/delegated-admin/revoke`, {
      as: ga,
      rawBody: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(form.text).toContain('You removed the delegated admin roles of Northwind Distribución');
    expect(form.text).not.toContain('>Remove roles<');
    // Revoking again answers the same.
    expect((await call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, { as: ga })).status).toBe(200);
  });

  it('a non-GlobalAdmin of the customer tenant is 403 and sees no buttons; another tenant sees nothing of it', async () => {
    const ga = customerAdmin();
    await acceptAs(ga);
    const user: Who = { tenantId: ga.tenantId, roles: ['User'] };
    expect((await call(svc, 'GET', '/api/customer/relationships', { as: user })).status).toBe(403);
    expect((await call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, { as: user })).status).toBe(403);
    const page = await call(svc, 'GET', '/api/customer', { as: user });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<form');
    expect(page.text).toContain('Only a global administrator');
    expect(page.text).toContain('/.auth/logout?post_logout_redirect_uri=');

    const other = customerAdmin();
    expect(await customerView(other)).toEqual([]);
    expect((await call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, { as: other })).status).toBe(
      404,
    );
    expect((await call(svc, 'GET', '/api/customer', { as: other })).text).not.toContain(w.reseller.id);
    expect((await partnerView(w.reseller, ga.tenantId)).delegatedAdmin.status).toBe('granted');
    expect((await call(svc, 'GET', '/api/customer/relationships')).status).toBe(401);
    expect((await call(svc, 'GET', '/api/customer')).text).toContain('/.auth/login/aad?post_login_redirect_uri=%2Fapi%2Fcustomer');
  });

  it('the partner revokes early, switches auto-extension with If-Match; removal shows the customer it is gone', async () => {
    const ga = customerAdmin();
    await acceptAs(ga, { access: { roles: [GLOBAL_READER], duration: 'P10D' } });
    const rel = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) });
    const path = `/api/relationships/${ga.tenantId}/delegated-admin`;
    expect(
      (await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: { autoExtend: true }, headers: { 'if-match': '"stale"' } })).status,
    ).toBe(412);
    const on = await call(svc, 'PATCH', path, {
      as: adminOf(w.reseller),
      body: { autoExtend: true },
      headers: { 'if-match': rel.headers.get('etag')! },
    });
    expect(on.status).toBe(200);
    expect(on.body.delegatedAdmin.autoExtend).toBe(true);
    expect(on.headers.get('etag')).not.toBe(rel.headers.get('etag'));
    expect((await customerView(ga))[0].delegatedAdmin.autoExtend).toBe(true);
    expect((await call(svc, 'PATCH', path, { as: adminOf(w.otherReseller), body: { autoExtend: false } })).status).toBe(404);

    const revoke = await call(svc, 'POST', `${path}/revoke`, { as: adminOf(w.reseller) });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({ status: 'active', delegatedAdmin: { status: 'revoked', revokedBy: { party: 'partner' } } });
    expect((await call(svc, 'PATCH', path, { as: adminOf(w.reseller), body: { autoExtend: false } })).status).toBe(409);
    expect((await customerView(ga))[0].delegatedAdmin).toMatchObject({ status: 'revoked', revokedBy: 'partner' });

    const removed = await call(svc, 'POST', `/api/relationships/${ga.tenantId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true },
    });
    expect(removed.status).toBe(200);
    expect(await customerView(ga)).toEqual([]);
    expect((await call(svc, 'GET', '/api/customer', { as: ga })).text).toContain('No partner has a relationship');
    const actions = (await call(svc, 'GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) })).body.items.map(
      (e: any) => e.action,
    );
    expect(actions.slice(0, 3)).toEqual(['relationship.removed', 'delegatedAdmin.revoked', 'delegatedAdmin.updated']);
  });
});

describe('expiry through the scheduled job', () => {
  it('expires at endsAt, or extends by 180 days when auto-extending; the relationship stays', async () => {
    const expiring = customerAdmin();
    const extending = customerAdmin();
    await acceptAs(expiring, { access: { roles: [GLOBAL_READER], duration: 'P1D' } });
    await acceptAs(extending, { access: { roles: [GLOBAL_READER], duration: 'P1D', autoExtend: true } });
    const ends = (await partnerView(w.reseller, extending.tenantId)).delegatedAdmin.endsAt as string;
    const later = { ...svc.deps, clock: { now: () => new Date(Date.now() + 2 * 86_400_000) } };
    // Recorded after the answers, by the worker of their announcements.
    const before = (await svc.deps.ledger.dueGrants(later.clock.now(), 500)).map((d) => d.customerId);
    expect(before).not.toContain(expiring.tenantId);
    await drainQueue(svc);
    const due = (await svc.deps.ledger.dueGrants(later.clock.now(), 500)).map((d) => d.customerId);
    expect(due).toEqual(expect.arrayContaining([expiring.tenantId, extending.tenantId]));
    const result = await processDueGrants(later, 500);
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(result.extended).toBeGreaterThanOrEqual(1);

    expect(await partnerView(w.reseller, expiring.tenantId)).toMatchObject({ status: 'active', delegatedAdmin: { status: 'expired' } });
    const ext = await partnerView(w.reseller, extending.tenantId);
    expect(Date.parse(ext.delegatedAdmin.endsAt) - Date.parse(ends)).toBe(180 * 86_400_000);
    expect((await customerView(expiring))[0].delegatedAdmin.status).toBe('expired');
    expect((await customerView(extending))[0].delegatedAdmin.endsAt).toBe(ext.delegatedAdmin.endsAt);
    const actions = async (who: Who) =>
      (await call(svc, 'GET', `/api/audit?customerId=${who.tenantId}`, { as: adminOf(w.reseller) })).body.items.map((e: any) => e.action);
    expect((await actions(expiring))[0]).toBe('delegatedAdmin.expired');
    expect((await actions(extending))[0]).toBe('delegatedAdmin.extended');
    // Nothing is due any more at that time.
    expect(await processDueGrants(later, 500)).toMatchObject({ expired: 0, extended: 0 });
  });
});

describe('the customer index stays in step', () => {
  it("a customer step cut off by an outage is completed by the worker of the change's announcement (no note, no scan)", async () => {
    const ga = customerAdmin();
    const real = svc.deps.ledger;
    svc.deps.ledger = Object.assign(Object.create(real) as typeof real, {
      mirror: () => Promise.reject(new UnavailableError('simulated outage')),
    });
    try {
      await acceptAs(ga, { access: { roles: [GLOBAL_READER], duration: 'P5D' } });
      // The partner's change is committed; the customer's page does not show it yet.
      expect((await partnerView(w.reseller, ga.tenantId)).delegatedAdmin.status).toBe('granted');
      expect(await customerView(ga)).toEqual([]);
    } finally {
      svc.deps.ledger = real;
    }
    // Released unsettled: its worker re-reads the relationship and writes the copy.
    await drainQueue(svc);
    const seen = await customerView(ga);
    expect(seen).toHaveLength(1);
    expect(seen[0].delegatedAdmin).toMatchObject({ status: 'granted', roles: [GLOBAL_READER] });
  });

  it('racing changes from both sides leave the customer copy equal to the partner’s relationship', async () => {
    for (let round = 0; round < 4; round++) {
      const ga = customerAdmin();
      await acceptAs(ga, { access: { roles: [GLOBAL_READER], duration: 'P30D' } });
      const base = `/api/relationships/${ga.tenantId}/delegated-admin`;
      const results = await Promise.all([
        call(svc, 'PATCH', base, { as: adminOf(w.reseller), body: { autoExtend: true } }),
        call(svc, 'PATCH', base, { as: adminOf(w.reseller), body: { autoExtend: false } }),
        call(svc, 'POST', `/api/customer/relationships/${w.reseller.id}/delegated-admin/revoke`, { as: ga }),
        call(svc, 'PATCH', base, { as: adminOf(w.reseller), body: { autoExtend: true } }),
        round % 2 ? call(svc, 'POST', `${base}/revoke`, { as: adminOf(w.reseller) }) : call(svc, 'GET', `/api/customer`, { as: ga }),
      ]);
      for (const r of results) expect([200, 409]).toContain(r.status);
      const partner = (await partnerView(w.reseller, ga.tenantId)).delegatedAdmin;
      const customer = (await customerView(ga))[0].delegatedAdmin;
      expect({ ...customer, revokedBy: undefined, roleNames: undefined }).toEqual({ ...partner, revokedBy: undefined });
      expect(customer.revokedBy).toBe(partner.revokedBy?.party);
    }
  });

  it('an acceptance costs a fixed number of storage round trips (4 on the request path), whatever the number of relationships', async () => {
    // Up to the release of the announcement: the worker's share (after the answer) runs in this process too.
    const count = async () => {
      const ga = customerAdmin();
      const inv = await invite();
      const before = svc.roundTrips.length;
      expect((await call(svc, 'POST', inv.path, { as: ga, body: {} })).status).toBe(200);
      const ops = svc.roundTrips.slice(before);
      return ops.slice(0, ops.indexOf('queue.release') + 1);
    };
    const first = await count();
    for (let i = 0; i < 5; i++) await acceptAs(customerAdmin());
    const again = await count();
    expect(again).toEqual(first);
    // Two reads at once (the invitation carries its earlier events), the partner's commit, the customer's copy inserted.
    expect(first.filter((op) => !op.startsWith('queue.'))).toEqual(['get', 'get', 'commit', 'commit']);
    // The outbox: the events announced before the partner's commit (awaited) and released after the
    // customer's copy (not awaited: it does not hold up the answer).
    expect(first.filter((op) => op.startsWith('queue.'))).toEqual(['queue.send', 'queue.release']);
    expect(first.indexOf('queue.send')).toBe(first.indexOf('commit') - 1);
  });
});
