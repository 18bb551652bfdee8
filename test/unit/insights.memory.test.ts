/**
 * The insight counters through the use cases, on the memory adapter with a clock of our own:
 * untouched expiries and grant ends counted at their moment, folding, and the backfill of rows
 * written before the counters (legacy rows, a change racing the backfill, running it twice).
 */
import { describe, expect, it } from 'vitest';
import { answerInvitation } from '../../src/domain/acceptance';
import { DAY_MS } from '../../src/domain/grant';
import { FOLD_MARGIN_MS, foldAfterCommit, foldInsights, getInsights, type Insights } from '../../src/domain/insights';
import { createInvitation } from '../../src/domain/invitationCreate';
import { revokeInvitation } from '../../src/domain/invitationRevoke';
import { backfillInsights } from '../../src/local/backfillInsights';
import { prefixEnd } from '../../src/storage/layout';
import { INSIGHT_STEP } from '../../src/storage/insightRows';
import type { MemoryRows } from '../../src/storage/memoryRows';
import { customerAdmin, newCustomer, tokenOf, world } from '../domain/support';
import { makeLegacy } from '../support/legacyRows';

const steps = async (rows: MemoryRows, partnerId: string) =>
  (await rows.range('data', partnerId, { from: INSIGHT_STEP, to: prefixEnd(INSIGHT_STEP), limit: 10_000 })).length;

describe('insight counters on the memory adapter', () => {
  it('counts an untouched invitation as expired from its expiry, and a grant as ending and then expired, without any write', async () => {
    const w = await world();
    const start = w.deps.clock.now();
    await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    const answered = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    w.deps.clock.set(new Date(start.getTime() + 3 * 3_600_000 + 10 * 60_000));
    await answerInvitation(w.deps, customerAdmin(), tokenOf(answered.url), 'accept');
    const at = async (ms: number): Promise<Insights> => (w.deps.clock.set(new Date(ms)), getInsights(w.deps, w.reseller));

    let got = await at(start.getTime() + 30 * DAY_MS - 1);
    expect(got.invitations).toMatchObject({ pending: 1, accepted: 1, expired: 0 });
    expect(got.acceptance).toEqual({ rate: 1, medianHoursToAccept: 3 });
    got = await at(start.getTime() + 30 * DAY_MS);
    expect(got.invitations).toMatchObject({ pending: 0, accepted: 1, expired: 1 });
    expect(got.acceptance.rate).toBe(0.5);
    // The default grant is 730 days: within 90 days of its end at day 640 (counted from acceptance).
    const accepted = start.getTime() + 3 * 3_600_000 + 10 * 60_000;
    got = await at(accepted + 640 * DAY_MS - 1);
    expect(got.delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 0, '90': 0 });
    got = await at(accepted + 640 * DAY_MS);
    expect(got.delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 0, '90': 1 });
    expect(got.endingSoon).toEqual([]);
    got = await at(accepted + 700 * DAY_MS);
    expect(got.endingSoon).toHaveLength(1);
    got = await at(accepted + 730 * DAY_MS);
    expect(got.delegatedAdmin).toMatchObject({ granted: 0, expired: 1, endingWithin: { '7': 0, '30': 0, '90': 0 } });
    expect(got.endingSoon).toEqual([]);
  });

  it('folds settled steps into the sum without changing any count, and leaves the last minute alone', async () => {
    const w = await world();
    const rows = w.rows;
    for (let i = 0; i < 5; i++) await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    await revokeInvitation(w.deps, w.reseller, w.agent, inv.id);
    const before = await getInsights(w.deps, w.reseller);
    expect(await foldInsights(w.deps, w.reseller.id)).toBe(0); // all within the last minute
    w.deps.clock.set(new Date(w.deps.clock.now().getTime() + 61_000));
    const rowsBefore = await steps(rows, w.reseller.id);
    const folded = await foldInsights(w.deps, w.reseller.id);
    expect(folded).toBeGreaterThan(0);
    // Only the future steps (the expiries) are left.
    expect(await steps(rows, w.reseller.id)).toBe(rowsBefore - folded);
    const after = await getInsights(w.deps, w.reseller);
    expect({ ...after, asOf: '' }).toEqual({ ...before, asOf: '' });
    expect(after.invitations).toMatchObject({ pending: 5, revoked: 1 });
  });

  it('after a commit, folds a partner at most once a minute in an instance (a step is folded only a minute after its time)', async () => {
    let now = Date.parse('2027-03-01T00:00:00Z');
    const folds: string[] = [];
    const deps = {
      clock: { now: () => new Date(now) },
      store: { foldInsights: (partnerId: string) => (folds.push(partnerId), Promise.resolve(0)) },
    } as unknown as Parameters<typeof foldAfterCommit>[0];
    await foldAfterCommit(deps, 'p-a');
    await foldAfterCommit(deps, 'p-a');
    await foldAfterCommit(deps, 'p-b');
    expect(folds).toEqual(['p-a', 'p-b']);
    now += FOLD_MARGIN_MS - 1;
    await foldAfterCommit(deps, 'p-a');
    expect(folds).toEqual(['p-a', 'p-b']);
    now += 1;
    await foldAfterCommit(deps, 'p-a');
    // A clock moved back (another instance's idea of now does not matter: this is per instance) folds too.
    now -= 10 * FOLD_MARGIN_MS;
    await foldAfterCommit(deps, 'p-b');
    expect(folds).toEqual(['p-a', 'p-b', 'p-a', 'p-b']);
  });

  it('a read that finds many settled steps folds them, so the next read is short again', async () => {
    const w = await world();
    const rows = w.rows;
    for (let i = 0; i < 210; i++) await createInvitation(w.deps, w.reseller, w.agent, newCustomer({ companyName: `C${i}` }), 'en');
    w.deps.clock.set(new Date(w.deps.clock.now().getTime() + 40 * DAY_MS));
    const got = await getInsights(w.deps, w.reseller);
    expect(got.invitations).toMatchObject({ pending: 0, expired: 210 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await steps(rows, w.reseller.id)).toBe(0);
    expect((await getInsights(w.deps, w.reseller)).invitations).toMatchObject({ pending: 0, expired: 210 });
  });

  it('backfills rows written before the counters once, even with a change racing it and when run twice', async () => {
    const w = await world();
    const rows = w.rows;
    const invs: Awaited<ReturnType<typeof createInvitation>>[] = [];
    for (let i = 0; i < 4; i++) invs.push(await createInvitation(w.deps, w.reseller, w.agent, newCustomer({ companyName: `C${i}` }), 'en'));
    await answerInvitation(w.deps, customerAdmin(), tokenOf(invs[0]!.url), 'accept');
    await answerInvitation(w.deps, customerAdmin(), tokenOf(invs[1]!.url), 'decline');
    const truth = await getInsights(w.deps, w.reseller);
    await makeLegacy(rows, w.reseller.id);
    expect((await getInsights(w.deps, w.reseller)).invitations.pending).toBe(0); // nothing counted

    // A change of a legacy row counts its new state in full.
    await revokeInvitation(w.deps, w.reseller, w.agent, invs[2]!.id);
    // The backfill, with a change landing in the middle of it (on its first transaction).
    const commit = rows.commit.bind(rows);
    let raced = false;
    rows.commit = async (table, pk, ops) => {
      if (!raced && ops.some((o) => o.kind === 'replace' && o.rk.endsWith(invs[3]!.id))) {
        raced = true;
        await revokeInvitation(w.deps, w.reseller, w.agent, invs[3]!.id);
      }
      return commit(table, pk, ops);
    };
    const reports: unknown[] = [];
    await backfillInsights(
      rows,
      [w.reseller.id],
      (_id, r) => reports.push(r),
      () => w.deps.clock.now(),
    );
    rows.commit = commit;
    expect(reports).toEqual([{ invitations: 2, relationships: 1, raced: 1 }]);
    const got = await getInsights(w.deps, w.reseller);
    expect(got.invitations).toEqual({ ...truth.invitations, pending: 0, revoked: 2 });
    expect(got.relationships).toEqual(truth.relationships);
    expect(got.delegatedAdmin).toEqual(truth.delegatedAdmin);
    expect(got.weeks).toEqual(truth.weeks);
    expect(got.endingSoon).toEqual(truth.endingSoon);

    // Again: nothing left to count.
    await backfillInsights(
      rows,
      [w.reseller.id],
      (_id, r) => reports.push(r),
      () => w.deps.clock.now(),
    );
    expect(reports[1]).toEqual({ invitations: 0, relationships: 0, raced: 0 });
    expect((await getInsights(w.deps, w.reseller)).invitations).toEqual(got.invitations);
    await expect(backfillInsights(rows, ['not-a-partner'], () => undefined)).rejects.toThrow(/not partner IDs/);
  });
});
