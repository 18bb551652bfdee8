/** The customer's side: the link's page and accept/decline, through the local runner. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/domain/errors';
import { wrapStore } from '../support/faults';
import { adminOf, call, customerAdmin, startWorld, type Service, type Who, type World } from '../support/harness';

let svc: Service;
let w: World;

beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

async function invite(extra: Record<string, unknown> = {}, as = adminOf(w.reseller)) {
  const r = await call(svc, 'POST', '/api/invitations', {
    as,
    body: { customer: { companyName: 'Contoso', email: 'it@contoso.example', domain: 'contoso.example' }, ...extra },
  });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, path: new URL(r.body.url as string).pathname, url: r.body.url as string };
}

const accept = (path: string, as?: Who, extra: Parameters<typeof call>[3] = {}) =>
  call(svc, 'POST', path, { as, body: { decision: 'accept' }, ...extra });
const invitation = async (id: string) => (await call(svc, 'GET', `/api/invitations/${id}`, { as: adminOf(w.reseller) })).body;
const auditOf = async (partnerId: string, invitationId: string) =>
  (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf({ id: partnerId }) })).body.items
    .filter((e: any) => e.invitationId === invitationId)
    .map((e: any) => e.action)
    .sort();

describe('acceptPage', () => {
  it('shows who invites, what accepting grants and the expiry, with a sign-in link and no form when signed out', async () => {
    const { path } = await invite({ indirectProviderId: w.provider.id });
    const r = await call(svc, 'GET', path);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(r.text).toContain('Fabrikam &amp; Co &lt;Resellers&gt;');
    expect(r.text).toContain('Northwind Distribución');
    expect(r.text).toContain('delegated administrative privileges');
    expect(r.text).toContain('UTC');
    expect(r.text).toContain(`href="/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(path)}"`);
    expect(r.text).not.toContain('<form');
    expect(r.text).not.toContain('<script');
  });

  it('shows the Accept and Decline form to a signed-in user, in the invitation language', async () => {
    const { path } = await invite({ locale: 'es' });
    const r = await call(svc, 'GET', path, { as: customerAdmin() });
    expect(r.text).toContain('<html lang="es"');
    expect(r.text).toContain('<form method="post"');
    expect(r.text).toContain('value="accept"');
    expect(r.text).toContain('value="decline"');
    expect(r.text).toContain('Aceptar');
    expect(r.text).toContain('Rechazar');
  });

  it('GET and HEAD change nothing', async () => {
    const { id, path } = await invite();
    for (let i = 0; i < 3; i++) await call(svc, 'GET', path, { as: customerAdmin() });
    const head = await fetch(`${svc.url}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await invitation(id)).status).toBe('pending');
    expect(await auditOf(w.reseller.id, id)).toEqual(['invitation.created']);
  });

  it('invalid, tampered and unknown links get a 410 page without a form', async () => {
    const { path } = await invite();
    const token = path.split('/').pop()!;
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    const variants = ['garbage', 'x'.repeat(86), flipped, token.slice(0, 85), `${token}A`, encodeURIComponent('<script>')];
    for (const t of variants) {
      const r = await call(svc, 'GET', `/api/accept/${t}`);
      expect(r.status, t).toBe(410);
      expect(r.text).toContain('no longer valid');
      expect(r.text).not.toContain('<form');
      expect(r.headers.get('content-security-policy')).toBeTruthy();
      const p = await accept(`/api/accept/${t}`, customerAdmin());
      expect(p.status, t).toBe(410);
      expect(p.body.type).toMatch(/invitation-link-invalid$/);
    }
  });
});

describe('acceptInvitation', () => {
  it("creates the reseller's relationship with delegated admin, idempotently, and shows it in the partner's list", async () => {
    const { id, path } = await invite();
    const ga = customerAdmin();
    const r = await accept(path, ga);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'accepted', invitationId: id, customerId: ga.tenantId });
    expect(r.body.relationships).toHaveLength(1);
    expect(r.body.relationships[0]).toMatchObject({
      partnerId: w.reseller.id,
      role: 'reseller',
      status: 'active',
      delegatedAdmin: { status: 'granted' },
    });

    const again = await accept(path, ga);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    expect((await accept(path, customerAdmin())).status).toBe(409);
    expect((await call(svc, 'POST', path, { as: ga, body: { decision: 'decline' } })).status).toBe(409);

    const inv = await invitation(id);
    expect(inv).toMatchObject({ status: 'accepted', customerId: ga.tenantId, acceptedBy: { tenantId: ga.tenantId } });
    expect(inv.url).toBeUndefined();
    const list = await call(svc, 'GET', '/api/relationships?pageSize=500', { as: adminOf(w.reseller) });
    expect(list.body.items.map((x: any) => x.customerId)).toContain(ga.tenantId);
    expect(await auditOf(w.reseller.id, id)).toEqual(['invitation.accepted', 'invitation.created', 'relationship.established']);
    // An accepted link's page says so, without a form.
    const page = await call(svc, 'GET', path, { as: ga });
    expect(page.status).toBe(200);
    expect(page.text).toContain('has been accepted');
    expect(page.text).not.toContain('<form');
    // The tenant now has an active relationship: binding a new invitation to it is 409.
    const bound = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { tenantId: ga.tenantId, companyName: 'Contoso', email: 'a@contoso.example' } },
    });
    expect(bound.status).toBe(409);
  });

  it('the combined kind creates both relationships in one acceptance', async () => {
    const { id, path } = await invite({ indirectProviderId: w.provider.id });
    const ga = customerAdmin();
    const r = await accept(path, ga);
    expect(r.status).toBe(200);
    expect(r.body.relationships.map((x: any) => [x.partnerId, x.role])).toEqual([
      [w.reseller.id, 'reseller'],
      [w.provider.id, 'indirectProvider'],
    ]);
    const provider = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.provider) });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({
      role: 'indirectProvider',
      resellerId: w.reseller.id,
      delegatedAdmin: { status: 'granted' },
      invitationId: id,
    });
    const reseller = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) });
    expect(reseller.body).toMatchObject({ role: 'reseller', indirectProviderId: w.provider.id });
    expect(await auditOf(w.provider.id, id)).toEqual(['relationship.established']);
    // The customer's index holds both, written together on the request path.
    const mine = await call(svc, 'GET', '/api/customer/relationships', { as: ga });
    expect(mine.body.items.map((r: any) => [r.partnerId, r.role]).sort()).toEqual(
      [
        [w.reseller.id, 'reseller'],
        [w.provider.id, 'indirectProvider'],
      ].sort(),
    );
    // A retry changes nothing more.
    expect((await accept(path, ga)).status).toBe(200);
    expect(await auditOf(w.provider.id, id)).toEqual(['relationship.established']);
    expect((await invitation(id)).status).toBe('accepted');
    // Other partners see nothing of it.
    expect((await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.otherProvider) })).status).toBe(404);
  });

  it('only a GlobalAdmin; a bound invitation only for its tenant; never the partner itself', async () => {
    const tenant = randomUUID();
    const { path } = await invite({ customer: { tenantId: tenant, companyName: 'Bound Co', email: 'it@bound.example' } });
    expect((await accept(path)).status).toBe(401);
    expect((await accept(path, { tenantId: tenant, roles: ['AdminAgent', 'UserAdmin'] })).status).toBe(403);
    const other = await accept(path, customerAdmin());
    expect(other.status).toBe(403);
    expect(other.body.type).toMatch(/wrong-tenant$/);
    expect((await accept(path, { tenantId: w.reseller.id, roles: ['GlobalAdmin'] })).status).toBe(403);
    expect((await accept(path, customerAdmin(tenant))).status).toBe(200);
  });

  it('decline closes the link and creates nothing', async () => {
    const { id, path } = await invite();
    const ga = customerAdmin();
    const r = await call(svc, 'POST', path, { as: ga, body: { decision: 'decline' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'declined', relationships: [] });
    expect((await invitation(id)).status).toBe('declined');
    expect((await accept(path, ga)).status).toBe(410);
    expect((await call(svc, 'GET', path)).status).toBe(410);
    expect((await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) })).status).toBe(404);
    expect(await auditOf(w.reseller.id, id)).toEqual(['invitation.created', 'invitation.declined']);
  });

  it('refuses cross-site posts', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: svc.url },
    ];
    for (const headers of crossSite) {
      const r = await accept(path, ga, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.type).toMatch(/cross-site-request$/);
    }
    const form = await call(svc, 'POST', path, {
      as: ga,
      rawBody: 'decision=accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(form.status).toBe(403);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(form.text).toContain('did not come from the invitation page');
    // What a browser sends for the page's own form (no-referrer makes its Origin "null").
    const same = await accept(path, ga, { headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(200);
  });

  it('answers a browser form with a confirmation page in its language', async () => {
    const { path } = await invite({ locale: 'es' });
    const r = await call(svc, 'POST', path, {
      as: customerAdmin(),
      rawBody: 'decision=accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain('<html lang="es"');
    expect(r.text).toContain('ha sido aceptada');
    const bad = await call(svc, 'POST', '/api/accept/nonsense', {
      as: customerAdmin(),
      rawBody: 'decision=accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.status).toBe(410);
    expect(bad.text).toContain('no longer valid');
  });

  it('rejects bad decisions and bodies', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    expect((await call(svc, 'POST', path, { as: ga, body: { decision: 'maybe' } })).status).toBe(400);
    expect((await call(svc, 'POST', path, { as: ga, rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await call(svc, 'POST', path, { as: ga, rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    // An empty body means accept.
    expect((await call(svc, 'POST', path, { as: ga })).status).toBe(200);
  });

  it('a new invitation re-activates a removed relationship with a new establishedAt', async () => {
    const first = await invite();
    const ga = customerAdmin();
    const a1 = await accept(first.path, ga);
    const removed = await call(svc, 'POST', `/api/relationships/${ga.tenantId}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true },
    });
    expect(removed.body.delegatedAdmin.status).toBe('revoked');
    await new Promise((r) => setTimeout(r, 5));
    const second = await invite();
    const a2 = await accept(second.path, ga);
    expect(a2.status).toBe(200);
    const rel = a2.body.relationships[0];
    expect(rel).toMatchObject({ status: 'active', delegatedAdmin: { status: 'granted' }, invitationId: second.id });
    expect(rel.removedAt).toBeUndefined();
    expect(Date.parse(rel.establishedAt)).toBeGreaterThan(Date.parse(a1.body.relationships[0].establishedAt));
    const list = await call(svc, 'GET', '/api/relationships?status=removed&pageSize=500', { as: adminOf(w.reseller) });
    expect(list.body.items.map((x: any) => x.customerId)).not.toContain(ga.tenantId);
  });

  it('accepting when the relationship is already active leaves it as it is', async () => {
    const ga = customerAdmin();
    const a1 = await accept((await invite()).path, ga);
    const a2 = await accept((await invite()).path, ga);
    expect(a2.status).toBe(200);
    expect(a2.body.relationships[0]).toEqual(a1.body.relationships[0]);
  });

  it('under concurrent posts from two tenants exactly one wins, and nothing fails with a 5xx', async () => {
    for (let round = 0; round < 3; round++) {
      const { id, path } = await invite({ indirectProviderId: w.provider.id });
      const a = customerAdmin();
      const b = customerAdmin();
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => accept(path, i % 2 ? a : b)));
      const statuses = results.map((r) => r.status);
      expect(
        statuses.every((s) => s === 200 || s === 409),
        statuses.join(','),
      ).toBe(true);
      const winners = new Set(results.filter((r) => r.status === 200).map((r) => r.body.customerId));
      expect(winners.size).toBe(1);
      const winner = [...winners][0];
      const loser = winner === a.tenantId ? b : a;
      expect(results.filter((r, i) => (i % 2 ? a : b).tenantId === loser.tenantId).every((r) => r.status === 409)).toBe(true);
      expect((await invitation(id)).customerId).toBe(winner);
      expect(await auditOf(w.reseller.id, id)).toEqual(['invitation.accepted', 'invitation.created', 'relationship.established']);
      expect(await auditOf(w.provider.id, id)).toEqual(['relationship.established']);
      expect((await call(svc, 'GET', `/api/relationships/${loser.tenantId}`, { as: adminOf(w.reseller) })).status).toBe(404);
      expect((await call(svc, 'GET', `/api/relationships/${loser.tenantId}`, { as: adminOf(w.provider) })).status).toBe(404);
    }
  });

  it("completes the provider's step on retry when storage failed after the commit point", async () => {
    const { id, path } = await invite({ indirectProviderId: w.provider.id });
    const ga = customerAdmin();
    const real = svc.deps.store;
    let failures = 0;
    const flaky = wrapStore(real, {
      commit: async (partnerId, changes) => {
        if (partnerId === w.provider.id && failures === 0) {
          failures++;
          throw new UnavailableError('simulated outage');
        }
        return real.commit(partnerId, changes);
      },
    });
    svc.deps.store = flaky;
    try {
      const first = await accept(path, ga);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('5');
      // The commit point was reached: the invitation is accepted by this tenant, the provider's step pending.
      expect((await invitation(id)).status).toBe('accepted');
      expect((await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.provider) })).status).toBe(404);
      const retry = await accept(path, ga);
      expect(retry.status).toBe(200);
      expect(retry.body.relationships).toHaveLength(2);
      expect((await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.provider) })).status).toBe(200);
      expect(await auditOf(w.provider.id, id)).toEqual(['relationship.established']);
    } finally {
      svc.deps.store = real;
    }
  });
});
