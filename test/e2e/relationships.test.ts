/** The partner's customer list, one relationship, removal and the audit log. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_STATEMENT } from '../../src/api/schemas';
import { adminOf, call, startWorld, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';
import { accept, invite } from '../support/fixtures';
import type { CreateInvitationInput } from '../../src/client';

let svc: Service;
let w: World;

beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

async function pageAll(as: { tenantId: string; roles?: string[] }, query: string, pageSize: number) {
  const items: any[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await call(
      svc,
      'GET',
      `/api/relationships?${query}&pageSize=${pageSize}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
      { as },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(pageSize);
    items.push(...r.body.items);
    token = r.body.continuationToken;
    pages++;
  } while (token);
  return { items, pages };
}

async function accepted(partner: { id: string }, extra: Partial<CreateInvitationInput> = {}) {
  const inv = await invite(svc, partner, { customer: { companyName: 'Removable', email: 'a@r.example' }, ...extra });
  return (await accept(svc, inv)).ga.tenantId;
}

describe('listRelationships', () => {
  const names = [
    'Álvarez Hermanos',
    'alvarez y cía',
    'ALVEAR SL',
    'Zeta Corp',
    'éclair SA',
    'Eclipse Ltd',
    'Ñandú SRL',
    'nube sa',
    'Contoso',
    'contoso labs',
    'Ábaco',
  ];
  let partner: { id: string };

  beforeAll(async () => {
    partner = w.otherReseller;
    const customers = [
      ...names.map((companyName, i) => ({ companyName, domain: `n${i}.example` })),
      ...Array.from({ length: 260 }, (_, i) => ({
        companyName: `Bulk ${String(i).padStart(3, '0')}`,
        domain: i % 10 === 0 ? `fabrikam${i}.example` : `bulk${i}.example`,
      })),
    ];
    await seedRelationships(svc.deps.store, partner.id, customers);
  });

  it('pages 270+ customers by name, case and accents folded, then by ID', async () => {
    const { items, pages } = await pageAll(adminOf(partner), 'status=active', 100);
    expect(items).toHaveLength(names.length + 260);
    expect(pages).toBe(3);
    expect(new Set(items.map((i) => i.customerId)).size).toBe(items.length);
    const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const keys = items.map((i) => `${fold(i.companyName)}\u0000${i.customerId}`);
    expect(keys).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(items.slice(0, 3).map((i) => i.companyName)).toEqual(['Ábaco', 'Álvarez Hermanos', 'alvarez y cía']);
    for (const i of items) expect(i.etag).toMatch(/^".+"$/);
  });

  it('gives the same result whatever the page size', async () => {
    const a = await pageAll(adminOf(partner), 'status=active', 7);
    const b = await pageAll(adminOf(partner), 'status=active', 500);
    expect(a.items.map((i) => i.customerId)).toEqual(b.items.map((i) => i.customerId));
    expect(b.pages).toBe(1);
  });

  it('searches by case- and accent-insensitive prefix of name or domain', async () => {
    const alv = await pageAll(adminOf(partner), 'q=ALV', 2);
    expect(alv.items.map((i) => i.companyName)).toEqual(['Álvarez Hermanos', 'alvarez y cía', 'ALVEAR SL']);
    const nandu = await pageAll(adminOf(partner), `q=${encodeURIComponent('ñan')}`, 10);
    expect(nandu.items.map((i) => i.companyName)).toEqual(['Ñandú SRL']);
    const ecl = await pageAll(adminOf(partner), 'q=Ecl', 10);
    expect(ecl.items.map((i) => i.companyName)).toEqual(['éclair SA', 'Eclipse Ltd']);
    // Domain prefix: 26 bulk customers have a fabrikam domain; merged in name order across pages.
    const fab = await pageAll(adminOf(partner), 'q=fabrikam', 10);
    expect(fab.items).toHaveLength(26);
    expect(fab.items.map((i) => i.companyName)).toEqual([...fab.items.map((i) => i.companyName)].sort());
    // Name and domain both match: listed once.
    const cont = await pageAll(adminOf(partner), 'q=contoso', 10);
    expect(cont.items.map((i) => i.companyName)).toEqual(['Contoso', 'contoso labs']);
    const n1 = await pageAll(adminOf(partner), 'q=n1.', 10);
    expect(n1.items.map((i) => i.companyName)).toEqual(['alvarez y cía']);
    expect((await pageAll(adminOf(partner), 'q=zzz', 10)).items).toEqual([]);
    expect((await pageAll(adminOf(partner), `q=${encodeURIComponent("' or 1 eq 1 or '")}`, 10)).items).toEqual([]);
  });

  it('shows only the caller its own customers', async () => {
    const mine = await pageAll(adminOf(w.reseller), 'status=all', 500);
    const theirs = await pageAll(adminOf(partner), 'status=all', 500);
    const overlap = mine.items.filter((i) => theirs.items.some((t) => t.customerId === i.customerId));
    expect(overlap).toEqual([]);
    expect(theirs.items.every((i) => i.partnerId === partner.id)).toBe(true);
    const one = theirs.items[0];
    expect((await call(svc, 'GET', `/api/relationships/${one.customerId}`, { as: adminOf(w.reseller) })).status).toBe(404);
    expect(
      (await call(svc, 'POST', `/api/relationships/${one.customerId}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: true } }))
        .status,
    ).toBe(404);
  });

  it('rejects bad queries and tampered tokens with 400', async () => {
    const first = await call(svc, 'GET', '/api/relationships?pageSize=5', { as: adminOf(partner) });
    const token: string = first.body.continuationToken;
    const [payload, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ p: 'zzz' })).toString('base64url')}.${sig}`;
    for (const q of [
      'status=gone',
      'pageSize=0',
      'pageSize=501',
      'pageSize=-1',
      'pageSize=1.5',
      `q=${'x'.repeat(300)}`,
      'continuationToken=nope',
      `continuationToken=${forged}`,
      `continuationToken=${payload}.${sig!.replace(/.$/, sig!.endsWith('A') ? 'B' : 'A')}`,
      `q=alv&continuationToken=${encodeURIComponent(token)}`,
      `status=all&continuationToken=${encodeURIComponent(token)}`,
    ]) {
      const r = await call(svc, 'GET', `/api/relationships?${q}`, { as: adminOf(partner) });
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('getRelationship and removeRelationship', () => {
  it('get returns the ETag header equal to the body etag', async () => {
    const customerId = await accepted(w.reseller);
    const r = await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(r.body.etag);
    expect((await call(svc, 'GET', `/api/relationships/${randomUUID()}`, { as: adminOf(w.reseller) })).status).toBe(404);
    expect((await call(svc, 'GET', '/api/relationships/not-a-uuid', { as: adminOf(w.reseller) })).status).toBe(404);
  });

  it('requires the attestation, quoting it', async () => {
    const customerId = await accepted(w.reseller);
    for (const body of [{}, { attestGoodFaith: false }, { reason: 'x' }]) {
      const r = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, { as: adminOf(w.reseller), body });
      expect(r.status).toBe(400);
      expect(r.body.detail).toContain(ATTESTATION_STATEMENT);
      expect(r.body.errors).toHaveProperty('attestGoodFaith');
    }
    expect(
      (await call(svc, 'POST', `/api/relationships/${customerId}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: 'yes' } }))
        .status,
    ).toBe(400);
    const long = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true, reason: 'x'.repeat(501) },
    });
    expect(long.status).toBe(400);
    expect(long.body.errors).toHaveProperty('reason');
    expect(
      (
        await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
          as: adminOf(w.reseller),
          body: { attestGoodFaith: true, extra: 1 },
        })
      ).status,
    ).toBe(400);
    expect((await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) })).body.status).toBe('active');
  });

  it('removes with If-Match, revokes delegated admin, audits, notifies nobody, and is idempotent', async () => {
    const customerId = await accepted(w.reseller);
    const g = await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) });
    const stale = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true },
      headers: { 'if-match': '"stale"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toMatch(/precondition-failed$/);
    const r = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
      as: adminOf(w.reseller, ['GlobalAdmin']),
      body: { attestGoodFaith: true, reason: 'Contract ended' },
      headers: { 'if-match': g.body.etag },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'removed',
      delegatedAdmin: { status: 'revoked', revokedAt: expect.any(String) },
      removedBy: { tenantId: w.reseller.id },
      removedAt: expect.any(String),
    });
    expect(r.body.notice).toMatch(/No notice was sent to the customer/);
    expect(r.headers.get('etag')).toBe(r.body.etag);
    expect(r.body.etag).not.toBe(g.body.etag);
    const again = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true },
      headers: { 'if-match': g.body.etag },
    });
    expect(again.status).toBe(200);
    expect(again.body.removedAt).toBe(r.body.removedAt);
    // Gone from the default list, present among the removed.
    const active = await pageAll(adminOf(w.reseller), 'status=active', 500);
    expect(active.items.map((i) => i.customerId)).not.toContain(customerId);
    const removed = await pageAll(adminOf(w.reseller), 'status=removed', 500);
    expect(removed.items.map((i) => i.customerId)).toContain(customerId);
    const events = (await call(svc, 'GET', `/api/audit?customerId=${customerId}`, { as: adminOf(w.reseller) })).body.items;
    expect(events.filter((e: any) => e.action === 'relationship.removed')).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'relationship.removed',
      details: { reason: 'Contract ended', customerNotified: false, attestation: ATTESTATION_STATEMENT },
    });
    expect(
      (await call(svc, 'POST', `/api/relationships/${randomUUID()}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: true } }))
        .status,
    ).toBe(404);
  });

  it("leaves the provider's own relationship, which the provider can remove itself", async () => {
    const customerId = await accepted(w.reseller, { indirectProviderId: w.provider.id });
    await call(svc, 'POST', `/api/relationships/${customerId}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: true } });
    const p = await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.provider) });
    expect(p.body).toMatchObject({ status: 'active', delegatedAdmin: { status: 'granted' } });
    const pr = await call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
      as: adminOf(w.provider),
      body: { attestGoodFaith: true },
    });
    expect(pr.body.status).toBe('removed');
  });

  it('concurrent removals with and without If-Match remove once', async () => {
    const customerId = await accepted(w.reseller);
    const etag = (await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) })).body.etag;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(svc, 'POST', `/api/relationships/${customerId}/remove`, {
          as: adminOf(w.reseller),
          body: { attestGoodFaith: true },
          headers: i % 2 ? { 'if-match': etag } : {},
        }),
      ),
    );
    expect(
      results.every((r) => r.status === 200 || r.status === 412),
      results.map((r) => r.status).join(),
    ).toBe(true);
    const events = (await call(svc, 'GET', `/api/audit?customerId=${customerId}`, { as: adminOf(w.reseller) })).body.items;
    expect(events.filter((e: any) => e.action === 'relationship.removed')).toHaveLength(1);
    const removedAt = new Set(results.filter((r) => r.status === 200).map((r) => r.body.removedAt));
    expect(removedAt.size).toBe(1);
  });
});

describe('listAuditEvents', () => {
  it("returns only the caller's events, newest first, paged and filtered by customer", async () => {
    const customerId = await accepted(w.reseller);
    const all = await call(svc, 'GET', '/api/audit?pageSize=3', { as: adminOf(w.reseller) });
    expect(all.body.items).toHaveLength(3);
    expect(all.body.continuationToken).toBeTruthy();
    const ats = all.body.items.map((e: any) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const next = await call(svc, 'GET', `/api/audit?pageSize=3&continuationToken=${encodeURIComponent(all.body.continuationToken)}`, {
      as: adminOf(w.reseller),
    });
    expect(next.body.items[0].at <= ats[2]).toBe(true);
    const byCustomer = await call(svc, 'GET', `/api/audit?customerId=${customerId}`, { as: adminOf(w.reseller) });
    // The invitation's own events come first (recorded before the customer was known).
    expect(byCustomer.body.items.map((e: any) => e.action).sort()).toEqual([
      'invitation.accepted',
      'invitation.created',
      'relationship.established',
    ]);
    expect(byCustomer.body.items.every((e: any) => e.partnerId === w.reseller.id)).toBe(true);
    const other = await call(svc, 'GET', `/api/audit?customerId=${customerId}`, { as: adminOf(w.otherReseller) });
    expect(other.body.items).toEqual([]);
    expect((await call(svc, 'GET', '/api/audit?customerId=nope', { as: adminOf(w.reseller) })).status).toBe(400);
  });
});
