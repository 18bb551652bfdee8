/** GET /api/insights through the local runner on Azurite: exact under concurrency, cheap, the caller's own. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_STATEMENT } from '../../src/api/schemas';
import { isoWeek } from '../../src/domain/insights';
import { adminOf, call, customerAdmin, startWorld, type Service, type Who, type World } from '../support/harness';

let svc: Service;
let w: World;

beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

const insights = async (as: Who) => {
  const r = await call(svc, 'GET', '/api/insights', { as });
  expect(r.status, r.text).toBe(200);
  return r.body;
};

/** What the lists say: every page of a listing, counted. */
async function listed(as: Who, path: string): Promise<any[]> {
  const items: any[] = [];
  let token: string | undefined;
  do {
    const r = await call(
      svc,
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}pageSize=500${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
      {
        as,
      },
    );
    expect(r.status, r.text).toBe(200);
    items.push(...r.body.items);
    token = r.body.continuationToken;
  } while (token);
  return items;
}

/** A call retried while storage answers 503 (the machine is loaded), as a client following Retry-After would. */
async function patiently(request: () => ReturnType<typeof call>) {
  for (let attempt = 1; ; attempt++) {
    const r = await request();
    if (r.status !== 503 || attempt === 8) return r;
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
}

/** An invitation, under an Idempotency-Key: a retry never creates it twice. */
async function invite(partner: { id: string }, i: number) {
  const key = randomUUID();
  const r = await patiently(() =>
    call(svc, 'POST', '/api/invitations', {
      as: adminOf(partner),
      headers: { 'Idempotency-Key': key },
      body: { customer: { companyName: `Customer ${i}`, email: `it${i}@c.example` } },
    }),
  );
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; url: string };
}

const acceptAs = (url: string, decision = 'accept') => {
  const ga = customerAdmin();
  return patiently(() => call(svc, 'POST', new URL(url).pathname, { as: ga, body: { decision } }));
};

/** The insights against the lists at the same moment (nothing changes in between). */
async function expectListsAgree(as: Who) {
  const got = await insights(as);
  const count = async (path: string) => (await listed(as, path)).length;
  expect(got.invitations).toMatchObject({
    pending: await count('/api/invitations?status=pending'),
    accepted: await count('/api/invitations?status=accepted'),
    declined: await count('/api/invitations?status=declined'),
    revoked: await count('/api/invitations?status=revoked'),
    expired: await count('/api/invitations?status=expired'),
  });
  const relationships = await listed(as, '/api/relationships?status=all');
  expect(got.relationships).toEqual({
    active: relationships.filter((r) => r.status === 'active').length,
    removed: relationships.filter((r) => r.status === 'removed').length,
  });
  const da = (s: string) => relationships.filter((r) => r.delegatedAdmin.status === s).length;
  expect(got.delegatedAdmin).toMatchObject({ granted: da('granted'), revoked: da('revoked'), expired: da('expired') });
  return got;
}

describe('GET /api/insights', () => {
  it('answers zeros, twelve weeks and no rate for a partner with nothing yet', async () => {
    const got = await insights(adminOf(w.otherReseller));
    expect(got.invitations).toEqual({ pending: 0, accepted: 0, declined: 0, expired: 0, revoked: 0, emailed: 0 });
    expect(got.relationships).toEqual({ active: 0, removed: 0 });
    expect(got.acceptance).toEqual({ rate: null, medianHoursToAccept: null });
    expect(got.weeks).toHaveLength(12);
    expect(got.weeks.at(-1).week).toBe(isoWeek(Date.parse(got.asOf)));
    expect(got.endingSoon).toEqual([]);
  });

  it('is for partner roles only: 401 without a principal, 403 for a customer or an unenrolled tenant', async () => {
    expect((await call(svc, 'GET', '/api/insights')).status).toBe(401);
    expect((await call(svc, 'GET', '/api/insights', { as: customerAdmin() })).status).toBe(403);
    expect((await call(svc, 'GET', '/api/insights', { as: { tenantId: w.reseller.id, roles: ['Reader'] } })).status).toBe(403);
    expect((await call(svc, 'GET', '/api/insights', { as: adminOf({ id: randomUUID() }) })).status).toBe(403);
  });

  it('loses nothing when 60 acceptances and 20 creations run at once, and agrees with the lists', async () => {
    const partner = w.reseller;
    const as = adminOf(partner);
    const invitations = [];
    for (let i = 0; i < 60; i += 10) invitations.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => invite(partner, i + j)))));
    // At once: 60 acceptances and 20 creations, all in the partner's partition.
    const results = await Promise.all([
      ...invitations.map((inv) => acceptAs(inv.url)),
      ...Array.from({ length: 20 }, (_, i) => invite(partner, 100 + i).then(() => ({ status: 201, text: '' }))),
    ]);
    for (const r of results) expect([200, 201], r.text).toContain(r.status);
    const got = await expectListsAgree(as);
    expect(got.invitations).toMatchObject({ pending: 20, accepted: 60 });
    expect(got.relationships).toEqual({ active: 60, removed: 0 });
    expect(got.delegatedAdmin).toMatchObject({ granted: 60, revoked: 0 });
    const thisWeek = got.weeks.at(-1);
    expect(thisWeek).toMatchObject({ invited: 80, accepted: 60, removed: 0 });
    expect(got.acceptance).toEqual({ rate: 1, medianHoursToAccept: 0 });
    // The other partners see nothing of it.
    expect((await insights(adminOf(w.otherReseller))).invitations.pending).toBe(0);

    // Then one of each other change.
    const [toRevoke, toDecline] = await Promise.all([invite(partner, 200), invite(partner, 201)]);
    expect((await call(svc, 'DELETE', `/api/invitations/${toRevoke.id}`, { as })).status).toBe(200);
    expect((await acceptAs(toDecline.url, 'decline')).status).toBe(200);
    const customer = (await listed(as, '/api/relationships'))[0].customerId as string;
    const removal = await call(svc, 'POST', `/api/relationships/${customer}/remove`, { as, body: { attestGoodFaith: true } });
    expect(removal.status, removal.text).toBe(200);
    const after = await expectListsAgree(as);
    expect(after.invitations).toMatchObject({ pending: 20, accepted: 60, revoked: 1, declined: 1 });
    expect(after.relationships).toEqual({ active: 59, removed: 1 });
    expect(after.delegatedAdmin).toMatchObject({ granted: 59, revoked: 1 });
    expect(after.weeks.at(-1)).toMatchObject({ invited: 82, accepted: 60, declined: 1, removed: 1 });
    expect(after.acceptance.rate).toBeCloseTo(60 / 61, 4);
    expect(ATTESTATION_STATEMENT.length).toBeGreaterThan(0);
  }, 120_000);

  it('costs the same few storage round trips for a partner with nothing as for one with many', async () => {
    const trips = async (partner: { id: string }) => {
      await insights(adminOf(partner)); // the partner's directory entry is cached after this
      const before = svc.roundTrips.length;
      await insights(adminOf(partner));
      return svc.roundTrips.slice(before);
    };
    const empty = await trips(w.otherReseller);
    const busy = await trips(w.reseller);
    expect(busy, JSON.stringify({ busy, empty })).toHaveLength(empty.length);
    expect(busy.length).toBeLessThanOrEqual(2);
  });

  it('names the customers whose delegated admin ends within 30 days, soonest first, linked by customer ID', async () => {
    const partner = w.otherReseller;
    const as = adminOf(partner);
    const short = await call(svc, 'POST', '/api/invitations', {
      as,
      body: { customer: { companyName: 'Soon Ltd', email: 'a@soon.example' }, access: { duration: 'P10D' } },
    });
    const long = await call(svc, 'POST', '/api/invitations', {
      as,
      body: { customer: { companyName: 'Later Ltd', email: 'a@later.example' }, access: { duration: 'P60D' } },
    });
    const soon = customerAdmin();
    for (const [inv, ga] of [
      [short, soon],
      [long, customerAdmin()],
    ] as const) {
      expect((await patiently(() => call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: {} }))).status).toBe(200);
    }
    const got = await insights(as);
    expect(got.delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 1, '90': 2 });
    expect(got.endingSoon).toEqual([{ customerId: soon.tenantId, companyName: 'Soon Ltd', endsAt: expect.any(String) }]);
    // Revoking it takes it off the list.
    expect((await call(svc, 'POST', `/api/relationships/${soon.tenantId}/delegated-admin/revoke`, { as })).status).toBe(200);
    const later = await insights(as);
    expect(later.endingSoon).toEqual([]);
    expect(later.delegatedAdmin).toMatchObject({ granted: 1, revoked: 1, endingWithin: { '7': 0, '30': 0, '90': 1 } });
  });
});
