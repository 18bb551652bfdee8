/**
 * The operator API through the local runner: who may use it, enrol / change / suspend /
 * reactivate (each audited in the partner's own data), suspension on partner routes and links
 * (on another instance within 5 s), and a customer's audit that starts with its invitation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps } from '../../src/deps';
import { putPartner, type PartnerInput } from '../../src/domain/operator';
import { PARTNER_CACHE_MS } from '../../src/domain/partners';
import { PARTNER_RECORD, PARTNER_LISTING, DIRECTORY_PARTITION } from '../../src/storage/layout';
import { tableStorage } from '../../src/storage';
import { UnavailableError } from '../../src/domain/errors';
import { PROFILE, partnerData } from '../../src/storage/layout';
import { wrapStore } from '../support/faults';
import { adminOf, call, customerAdmin, startWorld, type Service, type Who, type World } from '../support/harness';

const OPERATOR_TENANT = randomUUID();
const operator: Who = { tenantId: OPERATOR_TENANT, roles: ['Operator'], userId: 'op-1', name: 'Olga Operator' };

let svc: Service;
let w: World;

beforeAll(async () => ({ svc, w } = await startWorld({ operatorTenantId: OPERATOR_TENANT })));
afterAll(() => svc.close());

const put = (id: string, body: unknown, as: Who = operator) => call(svc, 'PUT', `/api/admin/partners/${id}`, { as, body });
const reseller = (extra: Record<string, unknown> = {}) => ({
  name: 'Woodgrove Resellers',
  kind: 'reseller',
  indirectProviderIds: [w.provider.id],
  status: 'active',
  ...extra,
});
const partnerAudit = async (id: string) => (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf({ id }) })).body.items as any[];
/** The partner's audit as the storage holds it (readable while the partner is suspended). */
const storedAudit = async (id: string) => (await svc.deps.store.auditEvents(id, {}, { pageSize: 500 })).items;
const problemCode = (body: any) => String(body.type).split(':').pop();

async function enrol(body = reseller()) {
  const id = randomUUID();
  const r = await put(id, body);
  expect(r.status, r.text).toBe(201);
  return id;
}

async function invite(partnerId: string, customer: Record<string, unknown> = {}) {
  const r = await call(svc, 'POST', '/api/invitations', {
    as: adminOf({ id: partnerId }),
    body: { customer: { companyName: 'Contoso', email: 'it@contoso.example', ...customer } },
  });
  expect(r.status, r.text).toBe(201);
  return { id: r.body.id as string, path: new URL(r.body.url as string).pathname };
}

describe('who may use the operator API', () => {
  it.each([
    ['the operator tenant without the Operator role', { tenantId: OPERATOR_TENANT, roles: ['AdminAgent'] }],
    ['the Operator role in another tenant', { tenantId: randomUUID(), roles: ['Operator'] }],
    ["an enrolled partner's admin", { tenantId: '', roles: ['GlobalAdmin', 'AdminAgent'] }],
    ["an enrolled partner's admin claiming Operator", { tenantId: '', roles: ['Operator'] }],
  ])('refuses %s (403 operator-required), on every route', async (_label, who) => {
    const as = { ...who, tenantId: who.tenantId || w.reseller.id };
    for (const [method, path, body] of [
      ['GET', '/api/admin/partners', undefined],
      ['GET', `/api/admin/partners/${w.reseller.id}`, undefined],
      ['PUT', `/api/admin/partners/${w.reseller.id}`, reseller({ name: 'Hijacked' })],
    ] as const) {
      const r = await call(svc, method, path, { as, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(problemCode(r.body)).toBe('operator-required');
    }
    expect((await call(svc, 'GET', `/api/admin/partners/${w.reseller.id}`, { as: operator })).body.name).toBe(w.reseller.name);
  });

  it('asks for sign-in (401) without a principal', async () => {
    expect((await call(svc, 'GET', '/api/admin/partners')).status).toBe(401);
  });

  it('is off (403 operator-not-configured, saying which setting) without OPERATOR_TENANT_ID', async () => {
    const settings = svc.deps.settings;
    svc.deps.settings = { ...settings, operatorTenantId: undefined };
    try {
      const r = await call(svc, 'GET', '/api/admin/partners', { as: operator });
      expect(r.status).toBe(403);
      expect(problemCode(r.body)).toBe('operator-not-configured');
      expect(r.body.detail).toContain('OPERATOR_TENANT_ID');
    } finally {
      svc.deps.settings = settings;
    }
  });
});

describe('enrol, read, list, change', () => {
  it('enrols (201, Location), reads, and answers 200 with nothing recorded when nothing changes', async () => {
    const id = randomUUID();
    const r = await put(id, reseller());
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/admin/partners/${id}`);
    expect(r.body).toMatchObject({ id, ...reseller(), updatedBy: { id: 'op-1', name: 'Olga Operator', tenantId: OPERATOR_TENANT } });
    expect((await call(svc, 'GET', `/api/admin/partners/${id}`, { as: operator })).body).toEqual(r.body);
    // The enrolled partner works at once (unknown tenants are never cached).
    expect((await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) })).status).toBe(200);

    const again = await put(id, reseller());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    const events = await partnerAudit(id);
    expect(events.map((e) => e.action)).toEqual(['partner.enrolled']);
    expect(events[0]).toMatchObject({
      partnerId: id,
      actor: { id: 'op-1', tenantId: OPERATOR_TENANT },
      details: { name: 'Woodgrove Resellers', kind: 'reseller', indirectProviderIds: [w.provider.id], status: 'active' },
    });
    // The record lives in the partner's own partition, beside its audit events.
    expect(await svc.rows.get('data', id, PARTNER_RECORD)).toBeDefined();
    expect(await svc.rows.get('data', DIRECTORY_PARTITION, `${PARTNER_LISTING}${id}`)).toBeDefined();
  });

  it('records a change as partner.updated with what changed, and the partner sees it at once', async () => {
    const id = await enrol();
    const r = await put(id, reseller({ name: 'Woodgrove Renamed', indirectProviderIds: [] }));
    expect(r.status).toBe(200);
    expect(r.body.enrolledAt <= r.body.updatedAt).toBe(true);
    const [updated] = await partnerAudit(id);
    expect(updated).toMatchObject({
      action: 'partner.updated',
      details: {
        changes: { name: { from: 'Woodgrove Resellers', to: 'Woodgrove Renamed' }, indirectProviderIds: { from: [w.provider.id], to: [] } },
      },
    });
    expect(Object.keys(updated.details.changes)).toEqual(['name', 'indirectProviderIds']);
    expect((await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) })).body).toMatchObject({
      name: 'Woodgrove Renamed',
      indirectProviderIds: [],
    });
  });

  it('lists every partner in pages (items + continuationToken)', async () => {
    const ids = [await enrol(), await enrol(), await enrol()];
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await call(svc, 'GET', `/api/admin/partners?pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`, {
        as: operator,
      });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((p: any) => p.id));
      token = r.body.continuationToken;
      pages++;
    } while (token && pages < 1000);
    expect(seen).toEqual(expect.arrayContaining([...ids, w.reseller.id, w.provider.id]));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    for (const size of ['0', '501', 'x']) {
      expect((await call(svc, 'GET', `/api/admin/partners?pageSize=${size}`, { as: operator })).status).toBe(400);
    }
    expect((await call(svc, 'GET', '/api/admin/partners?continuationToken=forged', { as: operator })).status).toBe(400);
  });

  it('answers 404 for an unknown partner or a malformed ID', async () => {
    expect((await call(svc, 'GET', `/api/admin/partners/${randomUUID()}`, { as: operator })).status).toBe(404);
    expect((await call(svc, 'GET', '/api/admin/partners/not-a-uuid', { as: operator })).status).toBe(404);
    expect((await put('not-a-uuid', reseller())).status).toBe(404);
  });

  it.each([
    ['an unknown field', () => ({ ...reseller(), extra: 1 }), '(body)'],
    ['no status', () => ({ name: 'x', kind: 'reseller', indirectProviderIds: [] }), 'status'],
    ['a bad status', () => reseller({ status: 'paused' }), 'status'],
    ['a bad kind', () => reseller({ kind: 'distributor' }), 'kind'],
    ['an empty name', () => reseller({ name: '  ' }), 'name'],
    ['a provider listed twice', () => reseller({ indirectProviderIds: [w.provider.id, w.provider.id] }), 'indirectProviderIds'],
    ['an unenrolled provider', () => reseller({ indirectProviderIds: [randomUUID()] }), 'indirectProviderIds.0'],
    ['a reseller as provider', () => reseller({ indirectProviderIds: [w.provider.id, w.otherReseller.id] }), 'indirectProviderIds.1'],
  ])('refuses %s (400), changing nothing', async (_label, body, field) => {
    const id = await enrol();
    const r = await put(id, body());
    expect(r.status, r.text).toBe(400);
    const errors = r.body.errors ?? {};
    expect(
      Object.keys(errors).some((k) => k === field || k.startsWith(field)),
      JSON.stringify(errors),
    ).toBe(true);
    expect((await partnerAudit(id)).map((e) => e.action)).toEqual(['partner.enrolled']);
  });

  it('refuses a partner linking itself (400), on enrolment too', async () => {
    const id = randomUUID();
    const r = await put(id, { ...reseller(), kind: 'indirectProvider', indirectProviderIds: [id] });
    expect(r.status).toBe(400);
    expect(r.body.errors['indirectProviderIds.0'][0]).toContain('itself');
    expect((await call(svc, 'GET', `/api/admin/partners/${id}`, { as: operator })).status).toBe(404);
  });
});

describe('ugly cases', () => {
  it('concurrent first PUTs of one partner: one 201, the others 200, enrolled once', async () => {
    const id = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => put(id, reseller())));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect((await partnerAudit(id)).map((e) => e.action)).toEqual(['partner.enrolled']);
  });

  it('concurrent changes: each applied change audited once, the record is the last one audited', async () => {
    const id = await enrol();
    const names = ['A', 'B', 'C', 'D', 'E'].map((n) => `Woodgrove ${n}`);
    const answers = await Promise.all(names.map((name) => put(id, reseller({ name }))));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const updates = (await partnerAudit(id)).filter((e) => e.action === 'partner.updated');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(names.length);
    const record = (await call(svc, 'GET', `/api/admin/partners/${id}`, { as: operator })).body;
    // The record is the change of one of those events (same instant, same name).
    expect(updates.some((e) => e.at === record.updatedAt && e.details.changes.name.to === record.name)).toBe(true);
  });

  it('a failed listing write answers 503 with the change made and audited; the retried PUT repairs the listing', async () => {
    const id = await enrol();
    const real = svc.deps.store;
    svc.deps.store = wrapStore(real, { writePartnerListing: () => Promise.reject(new UnavailableError('storage down (test)')) });
    try {
      const r = await put(id, reseller({ status: 'suspended' }));
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
    } finally {
      svc.deps.store = real;
    }
    // In force and audited (lookups read the record), only the listing's copy is behind.
    expect((await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) })).status).toBe(403);
    expect((await storedAudit(id)).map((e) => e.action)).toEqual(['partner.suspended', 'partner.enrolled']);
    const listed = async () => JSON.parse(String((await svc.rows.get('data', DIRECTORY_PARTITION, `${PARTNER_LISTING}${id}`))!.data.doc));
    expect((await listed()).status).toBe('active');
    expect((await put(id, reseller({ status: 'suspended' }))).status).toBe(200);
    expect((await listed()).status).toBe('suspended');
    expect((await storedAudit(id)).map((e) => e.action)).toEqual(['partner.suspended', 'partner.enrolled']);
  });

  it('a partner enrolled before the operator API (a partners-table entry only) keeps working, and its first PUT enrols it', async () => {
    const id = randomUUID();
    await svc.rows.commit('partners', id, [
      { kind: 'put', rk: PROFILE, data: partnerData({ id, name: 'Legacy Co', kind: 'reseller', indirectProviderIds: [] }) },
    ]);
    expect((await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) })).body).toMatchObject({ id, name: 'Legacy Co' });
    expect((await call(svc, 'GET', `/api/admin/partners/${id}`, { as: operator })).status).toBe(404);
    expect((await put(id, reseller({ name: 'Legacy Co', indirectProviderIds: [], status: 'suspended' }))).status).toBe(201);
    const me = await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) });
    expect(problemCode(me.body)).toBe('partner-suspended');
  });
});

describe('suspension', () => {
  it('403 partner-suspended on every partner route and 410 on its pending links at once; reactivation restores both', async () => {
    const id = await enrol();
    const link = await invite(id);
    const customer = customerAdmin();
    expect((await call(svc, 'GET', link.path, { as: customer })).status).toBe(200);

    const s = await put(id, reseller({ status: 'suspended' }));
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('suspended');
    const as = adminOf({ id });
    for (const [method, path, body] of [
      ['GET', '/api/partners/me', undefined],
      ['GET', '/api/invitations', undefined],
      ['GET', `/api/invitations/${link.id}`, undefined],
      ['POST', '/api/invitations', { customer: { companyName: 'X', email: 'x@x.example' } }],
      ['POST', `/api/invitations/${link.id}/send`, {}],
      ['DELETE', `/api/invitations/${link.id}`, undefined],
      ['GET', '/api/relationships', undefined],
      ['GET', `/api/relationships/${randomUUID()}`, undefined],
      ['POST', `/api/relationships/${randomUUID()}/remove`, { attestGoodFaith: true }],
      ['GET', '/api/audit', undefined],
    ] as const) {
      const r = await call(svc, method, path, { as, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(problemCode(r.body), `${method} ${path}`).toBe('partner-suspended');
    }
    const page = await call(svc, 'GET', link.path, { as: customer });
    expect(page.status).toBe(410);
    expect(page.text).not.toContain('<form');
    const post = await call(svc, 'POST', link.path, { as: customer, body: { decision: 'accept' } });
    expect(post.status).toBe(410);
    expect((await call(svc, 'GET', `/api/admin/partners/${id}`, { as: operator })).body.status).toBe('suspended');

    expect((await put(id, reseller({ status: 'active' }))).status).toBe(200);
    expect((await call(svc, 'GET', '/api/partners/me', { as })).status).toBe(200);
    expect((await call(svc, 'GET', link.path, { as: customer })).status).toBe(200);
    const accepted = await call(svc, 'POST', link.path, { as: customer, body: { decision: 'accept' } });
    expect(accepted.status).toBe(200);
    const actions = (await partnerAudit(id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('partner.'))).toEqual(['partner.reactivated', 'partner.suspended', 'partner.enrolled']);
  });

  it("a suspended provider's combined links answer 410 too", async () => {
    const provider = randomUUID();
    expect(
      (await put(provider, { name: 'Fourth Coffee Distribution', kind: 'indirectProvider', indirectProviderIds: [], status: 'active' }))
        .status,
    ).toBe(201);
    const id = await enrol(reseller({ indirectProviderIds: [provider] }));
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf({ id }),
      body: { customer: { companyName: 'Contoso', email: 'it@contoso.example' }, indirectProviderId: provider },
    });
    const path = new URL(r.body.url as string).pathname;
    await put(provider, { name: 'Fourth Coffee Distribution', kind: 'indirectProvider', indirectProviderIds: [], status: 'suspended' });
    expect((await call(svc, 'GET', path, { as: customerAdmin() })).status).toBe(410);
    expect((await call(svc, 'GET', '/api/partners/me', { as: adminOf({ id }) })).status).toBe(200);
    // The reseller cannot invite with it meanwhile (400 naming the field).
    const refused = await call(svc, 'POST', '/api/invitations', {
      as: adminOf({ id }),
      body: { customer: { companyName: 'Contoso', email: 'it@contoso.example' }, indirectProviderId: provider },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.indirectProviderId).toEqual(['is a suspended indirect provider']);
  });

  it(`reaches another instance within 5 s (the partner cache keeps an entry ${PARTNER_CACHE_MS} ms), at one read per partner per window`, async () => {
    const id = await enrol();
    const link = await invite(id);
    const as = adminOf({ id });
    const customer = customerAdmin();
    // Warm this instance's cache, then count its storage reads for a burst of partner requests.
    expect((await call(svc, 'GET', '/api/relationships', { as })).status).toBe(200);
    const before = svc.roundTrips.length;
    for (let i = 0; i < 20; i++) expect((await call(svc, 'GET', '/api/relationships', { as })).status).toBe(200);
    const reads = svc.roundTrips.slice(before);
    // Each listing is one range read ("query"); the partner lookups add at most one point read.
    expect(reads.filter((op) => op === 'query').length).toBe(20);
    expect(reads.filter((op) => op === 'get').length).toBeLessThanOrEqual(1);

    // Another instance (its own storage clients and cache) suspends the partner.
    const other = buildDeps(svc.deps.config, tableStorage(svc.deps.config));
    await putPartner(
      other,
      { id: 'op-2', name: 'Other instance', tenantId: OPERATOR_TENANT },
      id,
      reseller({ status: 'suspended' }) as PartnerInput,
    );
    const t0 = Date.now();
    let partnerRefusedAt: number | undefined;
    let linkRefusedAt: number | undefined;
    while ((partnerRefusedAt === undefined || linkRefusedAt === undefined) && Date.now() - t0 < 10_000) {
      if (partnerRefusedAt === undefined) {
        const r = await call(svc, 'GET', '/api/relationships', { as });
        if (r.status === 403) partnerRefusedAt = Date.now() - t0;
        else expect(r.status).toBe(200);
      }
      if (linkRefusedAt === undefined) {
        const r = await call(svc, 'GET', link.path, { as: customer });
        if (r.status === 410) linkRefusedAt = Date.now() - t0;
        else expect(r.status).toBe(200);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`suspension reached this instance after ${partnerRefusedAt} ms (partner routes), ${linkRefusedAt} ms (link page)`);
    expect(partnerRefusedAt).toBeLessThan(5_000);
    expect(linkRefusedAt).toBeLessThan(5_000);
    expect((await storedAudit(id)).map((e) => e.action)).toEqual(['partner.suspended', 'invitation.created', 'partner.enrolled']);
  }, 20_000);
});

describe("a customer's audit", () => {
  const actionsOf = async (partnerId: string, customerId: string) => {
    const r = await call(svc, 'GET', `/api/audit?customerId=${customerId}&pageSize=500`, { as: adminOf({ id: partnerId }) });
    expect(r.status).toBe(200);
    const ids = r.body.items.map((e: any) => e.id);
    expect(new Set(ids).size, 'no event twice').toBe(ids.length);
    return r.body.items.map((e: any) => e.action) as string[];
  };

  it('includes the events of the invitation it accepted, recorded before anyone knew the customer', async () => {
    const link = await invite(w.reseller.id);
    const customer = customerAdmin();
    expect((await call(svc, 'POST', link.path, { as: customer, body: { decision: 'accept' } })).status).toBe(200);
    const actions = await actionsOf(w.reseller.id, customer.tenantId);
    expect(actions).toContain('invitation.created');
    expect(actions).toContain('invitation.accepted');
    expect(actions.at(-1)).toBe('invitation.created');
    // The time-ordered audit holds each event once.
    const all = await partnerAudit(w.reseller.id);
    expect(all.filter((e) => e.invitationId === link.id && e.action === 'invitation.created')).toHaveLength(1);
    // Accepting again (the same customer) adds nothing twice.
    expect((await call(svc, 'POST', link.path, { as: customer, body: { decision: 'accept' } })).status).toBe(200);
    expect(await actionsOf(w.reseller.id, customer.tenantId)).toEqual(actions);
  });

  it('includes them for a declined invitation too, and once for a bound invitation', async () => {
    const declined = await invite(w.reseller.id);
    const c1 = customerAdmin();
    expect((await call(svc, 'POST', declined.path, { as: c1, body: { decision: 'decline' } })).status).toBe(200);
    expect(await actionsOf(w.reseller.id, c1.tenantId)).toEqual(['invitation.declined', 'invitation.created']);

    const c2 = customerAdmin();
    const bound = await invite(w.reseller.id, { tenantId: c2.tenantId });
    expect((await call(svc, 'POST', bound.path, { as: c2, body: { decision: 'accept' } })).status).toBe(200);
    const actions = await actionsOf(w.reseller.id, c2.tenantId);
    expect(actions.filter((a) => a === 'invitation.created')).toHaveLength(1);
  });
});
