/**
 * Races, through the local runner over real HTTP, each followed by a direct read of storage that
 * checks every invariant of the storage design (support.ts `violations`). Builds on
 * test/e2e/acceptance.test.ts (two tenants, 24 posts) and relationships.test.ts (12 removals).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, customerAdmin, seedWorld, startService, type Service, type Who, type World } from '../support/harness';
import { Recorder, checkStorage, newFigures, report, sleep } from './support';

let svc: Service;
let w: World;
let rec: Recorder;
let races = 0;
const figures = newFigures();

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
  rec = new Recorder(svc);
});

afterAll(async () => {
  const final = await checkStorage(svc.rows, [w.reseller.id, w.provider.id, w.otherReseller.id, w.otherProvider.id], figures);
  report('races', {
    races,
    requests: rec.requests,
    statuses: rec.statusSummary(),
    serverErrors: rec.serverErrors.length,
    maxLatencyMs: Math.round(rec.maxMs),
    rowsChecked: figures.rows,
    violations: final.length,
  });
  await svc.close();
  expect(final).toEqual([]);
});

const partners = () => [w.reseller.id, w.provider.id];

async function invariantsHold() {
  expect(await checkStorage(svc.rows, partners())).toEqual([]);
  expect(rec.serverErrors).toEqual([]);
}

async function invite(opts: { combined?: boolean; tenantId?: string; companyName?: string } = {}) {
  const r = await rec.call('POST', '/api/invitations', {
    as: adminOf(w.reseller),
    body: {
      customer: {
        companyName: opts.companyName ?? `Race ${randomUUID().slice(0, 6)}`,
        email: 'it@race.example',
        domain: 'race.example',
        ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      },
      ...(opts.combined ? { indirectProviderId: w.provider.id } : {}),
    },
  });
  expect(r.status, r.text).toBe(201);
  return { id: r.body.id as string, path: new URL(r.body.url as string).pathname };
}

const jitter = <T>(f: () => Promise<T>, ms = 20) => sleep(Math.random() * ms).then(f);
const answer = (path: string, as: Who, decision: 'accept' | 'decline' = 'accept') => rec.call('POST', path, { as, body: { decision } });
const invitation = async (id: string) => (await rec.call('GET', `/api/invitations/${id}`, { as: adminOf(w.reseller) })).body;
const relationship = (partner: { id: string }, customerId: string) =>
  rec.call('GET', `/api/relationships/${customerId}`, { as: adminOf(partner) });
const remove = (partner: { id: string }, customerId: string, ifMatch?: string) =>
  rec.call('POST', `/api/relationships/${customerId}/remove`, {
    as: adminOf(partner),
    body: { attestGoodFaith: true },
    headers: ifMatch ? { 'if-match': ifMatch } : {},
  });

async function establishedWith(combined: boolean) {
  const ga = customerAdmin();
  const inv = await invite({ combined });
  expect((await answer(inv.path, ga)).status).toBe(200);
  return { ga, inv };
}

describe('one link, many tenants', () => {
  it('40 concurrent accepts from 4 tenants, 6 rounds (both kinds): exactly one tenant wins, everyone else 409, all or nothing', async () => {
    for (let round = 0; round < 6; round++) {
      races++;
      const combined = round % 2 === 0;
      const { id, path } = await invite({ combined });
      const tenants = Array.from({ length: 4 }, () => customerAdmin());
      const who = Array.from({ length: 40 }, (_, i) => tenants[i % 4]!);
      const results = await Promise.all(who.map((t) => answer(path, t)));
      const statuses = results.map((r) => r.status);
      expect(
        statuses.every((s) => s === 200 || s === 409),
        statuses.join(),
      ).toBe(true);
      const winners = new Set(results.filter((r) => r.status === 200).map((r) => r.body.customerId as string));
      expect(winners.size).toBe(1);
      const winner = [...winners][0]!;
      results.forEach((r, i) => {
        if (who[i]!.tenantId === winner) expect(r.status).toBe(200);
        else expect(r.body.type).toMatch(/invitation-already-accepted$/);
      });
      // Every 200 tells the same story: the winner's relationships, both of them for the combined kind.
      const oks = results.filter((r) => r.status === 200);
      for (const r of oks)
        expect(r.body.relationships.map((x: any) => [x.partnerId, x.customerId, x.status])).toEqual(
          oks[0]!.body.relationships.map((x: any) => [x.partnerId, x.customerId, x.status]),
        );
      expect(oks[0]!.body.relationships).toHaveLength(combined ? 2 : 1);
      expect((await invitation(id)).customerId).toBe(winner);
      for (const t of tenants.filter((t) => t.tenantId !== winner)) {
        expect((await relationship(w.reseller, t.tenantId)).status).toBe(404);
        expect((await relationship(w.provider, t.tenantId)).status).toBe(404);
      }
      await invariantsHold();
    }
  });

  it('accept racing decline on one link, 5 rounds: one outcome, the other side is told why', async () => {
    for (let round = 0; round < 5; round++) {
      races++;
      const { id, path } = await invite({ combined: round % 2 === 1 });
      const accepters = [customerAdmin(), customerAdmin(), customerAdmin()];
      const decliner = customerAdmin();
      const plan = Array.from({ length: 32 }, (_, i) =>
        i % 4 === 3 ? { as: decliner, d: 'decline' as const } : { as: accepters[i % 3]!, d: 'accept' as const },
      );
      const results = await Promise.all(plan.map((p) => answer(path, p.as, p.d)));
      const inv = await invitation(id);
      expect(['accepted', 'declined']).toContain(inv.status);
      if (inv.status === 'declined') {
        expect(inv.customerId).toBe(decliner.tenantId);
        results.forEach((r, i) => expect([200, 410], `${plan[i]!.d} ${r.status}`).toContain(r.status));
        expect(results.filter((r, i) => r.status === 200 && plan[i]!.d === 'accept')).toEqual([]);
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      } else {
        results.forEach((r, i) => {
          if (plan[i]!.as.tenantId === inv.customerId) expect(r.status).toBe(200);
          else expect(r.status, `${plan[i]!.d} ${r.text}`).toBe(409);
        });
      }
      await invariantsHold();
    }
  });
});

describe('accept racing revoke', () => {
  it('10 rounds of 9 accepts (2 tenants) against 9 revokes: accepted or revoked, never both', async () => {
    const outcomes = { accepted: 0, revoked: 0 };
    for (let round = 0; round < 10; round++) {
      races++;
      const combined = round % 2 === 0;
      const { id, path } = await invite({ combined });
      const a = customerAdmin();
      const b = customerAdmin();
      // Each request starts after a random 0-20 ms, so that both orders happen over the rounds.
      const jobs = Array.from({ length: 18 }, (_, i) =>
        i % 2 === 1
          ? { kind: 'revoke' as const, run: () => jitter(() => rec.call('DELETE', `/api/invitations/${id}`, { as: adminOf(w.reseller) })) }
          : { kind: 'accept' as const, run: () => jitter(() => answer(path, i % 4 ? a : b)) },
      );
      const results = await Promise.all(jobs.map((j) => j.run()));
      const inv = await invitation(id);
      expect(['accepted', 'revoked']).toContain(inv.status);
      outcomes[inv.status as 'accepted' | 'revoked']++;
      results.forEach((r, i) => {
        const kind = jobs[i]!.kind;
        if (inv.status === 'revoked') {
          // Revoke is idempotent; the link is dead for everyone.
          expect(r.status, `${kind} ${r.text}`).toBe(kind === 'revoke' ? 200 : 410);
        } else if (kind === 'revoke') {
          expect(r.status).toBe(409);
          expect(r.body.type).toMatch(/invitation-not-pending$/);
        } else expect([200, 409]).toContain(r.status);
      });
      for (const t of [a, b]) {
        const mine = inv.status === 'accepted' && inv.customerId === t.tenantId;
        expect((await relationship(w.reseller, t.tenantId)).status).toBe(mine ? 200 : 404);
        expect((await relationship(w.provider, t.tenantId)).status).toBe(mine && combined ? 200 : 404);
      }
      await invariantsHold();
    }
    // Both outcomes should show up over the rounds; if not, the race is not exercised (not a failure of the service).
    console.log(`[reliability] accept-vs-revoke outcomes: accepted=${outcomes.accepted} revoked=${outcomes.revoked}`);
  });
});

describe('accept racing removal', () => {
  it('8 rounds: a relationship is removed while a second invitation for the same tenant is accepted', async () => {
    const finals: string[] = [];
    for (let round = 0; round < 8; round++) {
      races++;
      const combined = round % 2 === 0;
      const { ga, inv: first } = await establishedWith(combined);
      const etag = (await relationship(w.reseller, ga.tenantId)).body.etag as string;
      const second = await invite({ combined });
      // Each request starts after a random 0-20 ms, so that both orders happen over the rounds.
      const jobs = [
        () => jitter(() => answer(second.path, ga)),
        () => jitter(() => remove(w.reseller, ga.tenantId, round % 4 < 2 ? etag : undefined)),
        () => jitter(() => answer(second.path, ga)),
        () => jitter(() => remove(w.reseller, ga.tenantId)),
        () => jitter(() => answer(second.path, ga)),
        () => jitter(() => remove(w.reseller, ga.tenantId, etag)),
      ];
      const results = await Promise.all(jobs.map((j) => j()));
      results.forEach((r, i) => expect(i % 2 === 0 ? [200] : [200, 412], r.text).toContain(r.status));
      // The second invitation is accepted by the tenant whatever the order.
      const inv2 = await invitation(second.id);
      expect(inv2).toMatchObject({ status: 'accepted', customerId: ga.tenantId });
      const rel = (await relationship(w.reseller, ga.tenantId)).body;
      finals.push(`${rel.status}:${rel.invitationId === first.id ? 'first' : 'second'}`);
      // Active again only through the second invitation; removed ones name whichever established them.
      if (rel.status === 'active') expect(rel.invitationId).toBe(second.id);
      expect([first.id, second.id]).toContain(rel.invitationId);
      // The provider's own relationship is never touched by the reseller's removal.
      if (combined)
        expect((await relationship(w.provider, ga.tenantId)).body).toMatchObject({
          status: 'active',
          delegatedAdmin: { status: 'granted' },
        });
      await invariantsHold();
    }
    console.log(`[reliability] accept-vs-remove final states: ${finals.join(' ')}`);
  });
});

describe('concurrent removals', () => {
  it('6 relationships x 16 concurrent removals (current, stale, * and no If-Match): removed once, one audit event each', async () => {
    const customers = await Promise.all(Array.from({ length: 6 }, (_, i) => establishedWith(i % 2 === 0)));
    await Promise.all(
      customers.map(async ({ ga }) => {
        races++;
        const etag = (await relationship(w.reseller, ga.tenantId)).body.etag as string;
        const tags = [etag, '"stale"', '*', undefined];
        const results = await Promise.all(Array.from({ length: 16 }, (_, i) => remove(w.reseller, ga.tenantId, tags[i % 4])));
        results.forEach((r, i) => expect(tags[i % 4] === '"stale"' ? [200, 412] : [200], r.text).toContain(r.status));
        const oks = results.filter((r) => r.status === 200);
        expect(new Set(oks.map((r) => r.body.removedAt)).size).toBe(1);
        expect(new Set(oks.map((r) => r.body.etag)).size).toBe(1);
        for (const r of oks) expect(r.headers.get('etag')).toBe(r.body.etag);
        const audit = await rec.call('GET', `/api/audit?customerId=${ga.tenantId}`, { as: adminOf(w.reseller) });
        expect(audit.body.items.filter((e: any) => e.action === 'relationship.removed')).toHaveLength(1);
      }),
    );
    await invariantsHold();
  });

  it('reseller and provider remove their own relationships with one customer at the same time', async () => {
    const { ga } = await establishedWith(true);
    races++;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => remove(i % 2 ? w.reseller : w.provider, ga.tenantId)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    for (const p of [w.reseller, w.provider]) expect((await relationship(p, ga.tenantId)).body.status).toBe('removed');
    await invariantsHold();
  });
});

describe('load on one partition', () => {
  it('40 invitations created at once, then accepted at once by 40 tenants while the lists are read and others removed', async () => {
    races++;
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => invite({ combined: i % 2 === 0, companyName: `Load ${String(i).padStart(2, '0')}` })),
    );
    const earlier = await Promise.all(Array.from({ length: 6 }, () => establishedWith(false)));
    const tenants = created.map(() => customerAdmin());
    const [accepts, lists, removals] = await Promise.all([
      Promise.all(created.map((c, i) => answer(c.path, tenants[i]!))),
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          rec.call('GET', `/api/relationships?status=${['active', 'all', 'removed'][i % 3]}&pageSize=${1 + (i % 7) * 50}`, {
            as: adminOf(i % 2 ? w.reseller : w.provider),
          }),
        ),
      ),
      Promise.all(earlier.map((e) => remove(w.reseller, e.ga.tenantId))),
    ]);
    expect(accepts.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(lists.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(removals.map((r) => r.status)).toEqual(Array(6).fill(200));
    const all = await rec.call('GET', '/api/relationships?q=load&pageSize=500', { as: adminOf(w.reseller) });
    expect(all.body.items.map((r: any) => r.companyName)).toEqual(created.map((_, i) => `Load ${String(i).padStart(2, '0')}`));
    const prov = await rec.call('GET', '/api/relationships?q=load&pageSize=500', { as: adminOf(w.provider) });
    expect(prov.body.items).toHaveLength(20);
    await invariantsHold();
  });
});
