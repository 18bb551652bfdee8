/**
 * The one-off backfill of the insight counters (docs/storage.md, "Insights"): a partner's
 * invitations and relationships written before the counters existed are counted once.
 *
 * It reads the partner's `inv|` and `rel|` rows once (two ranges, page by page) and, for each row
 * not marked counted, writes in ONE transaction: the row again, marked, under its ETag, and the
 * steps of its state (and its ending-soon row). A change racing the backfill on a row wins the
 * ETag: the change counted the row itself (a record not counted yet contributes nothing to be
 * taken away), so the backfill reads that row again, finds it counted, and leaves it. Running it
 * twice counts nothing twice; so does running it while the service serves.
 */
import { invitationDelta, relationshipDelta, type Step } from '../domain/insightSteps';
import { WriteConflict } from '../domain/errors';
import type { Invitation, Relationship } from '../domain/model';
import { COUNTED, DIRECTORY_PARTITION, INVITATION, PARTNER_LISTING, RELATIONSHIP, prefixEnd, recordOf } from './layout';
import { endingRow, stepWrites } from './insightRows';
import type { Rows, StoredRow, WriteOp } from './rows';

export interface BackfillResult {
  invitations: number;
  relationships: number;
  /** Rows a change counted first (while the backfill ran). */
  raced: number;
}

/** Rows per transaction: each row, plus its future steps (an expiry; a grant's three windows and end) and its ending row. */
const ROWS_PER_COMMIT = 15;
const PAGE = 1000;

/** What counting a row writes besides the row itself. */
function countRow(row: StoredRow): { steps: Step[]; ops: WriteOp[] } {
  if (row.rk.startsWith(INVITATION)) return { steps: invitationDelta(recordOf<Invitation>(row), undefined), ops: [] };
  const r = recordOf<Relationship>(row);
  const ending = endingRow(r);
  return { steps: relationshipDelta(r, undefined), ops: ending ? [{ kind: 'put', ...ending }] : [] };
}

/** Steps at or before `now` are all counted from now on: one row for them, not one per past moment. */
const settle = (steps: Step[], now: number): Step[] => steps.map((s) => (s.at <= now ? { at: now, tally: s.tally } : s));

async function commitCounted(rows: Rows, partnerId: string, batch: StoredRow[], now: number): Promise<void> {
  const steps: Step[] = [];
  const ops: WriteOp[] = [];
  for (const row of batch) {
    const counted = countRow(row);
    steps.push(...settle(counted.steps, now));
    ops.push({ kind: 'replace', rk: row.rk, data: { ...row.data, [COUNTED]: 1 }, etag: row.etag }, ...counted.ops);
  }
  await rows.commit('data', partnerId, [...ops, ...stepWrites(steps)]);
}

/** Counts one batch; on a race, reads its rows again and counts those still not counted. Returns the rows raced. */
async function countBatch(rows: Rows, partnerId: string, batch: StoredRow[], now: number): Promise<number> {
  let pending = batch;
  let raced = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    try {
      await commitCounted(rows, partnerId, pending, now);
      return raced;
    } catch (err) {
      if (!(err instanceof WriteConflict) || attempt >= 5) throw err;
      const fresh = await Promise.all(pending.map((r) => rows.get('data', partnerId, r.rk)));
      const still = fresh.filter((r): r is StoredRow => r !== undefined && r.data[COUNTED] !== 1);
      raced += pending.length - still.length;
      pending = still;
    }
  }
  return raced;
}

/** Counts every row of one partner not counted yet. */
export async function backfillPartner(rows: Rows, partnerId: string, now: Date): Promise<BackfillResult> {
  const result: BackfillResult = { invitations: 0, relationships: 0, raced: 0 };
  for (const prefix of [INVITATION, RELATIONSHIP]) {
    let from = prefix;
    for (;;) {
      const page = await rows.range('data', partnerId, { from, to: prefixEnd(prefix), limit: PAGE });
      const todo = page.filter((r) => r.data[COUNTED] !== 1);
      for (let i = 0; i < todo.length; i += ROWS_PER_COMMIT) {
        const batch = todo.slice(i, i + ROWS_PER_COMMIT);
        const raced = await countBatch(rows, partnerId, batch, now.getTime());
        result.raced += raced;
        result[prefix === INVITATION ? 'invitations' : 'relationships'] += batch.length - raced;
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      from = `${last.rk}\u0000`;
    }
  }
  return result;
}

/** The IDs of the partners in the operator's listing, page by page (one range of the `directory` partition). */
export async function* listedPartnerIds(rows: Rows): AsyncGenerator<string> {
  let from = PARTNER_LISTING;
  for (;;) {
    const page = await rows.range('data', DIRECTORY_PARTITION, { from, to: prefixEnd(PARTNER_LISTING), limit: PAGE });
    for (const row of page) yield row.rk.slice(PARTNER_LISTING.length);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    from = `${last.rk}\u0000`;
  }
}
