/**
 * A partner's insight counters over rows (docs/storage.md, "Insights"), in the partner's own
 * partition, so they commit with the changes they count:
 *
 *   ins|a                           the folded sum: every step folded so far, and up to when
 *   ins|t|{ms, 13 digits}|{uuid}    the steps of one commit at one time (a commit writes one row
 *                                   per distinct time: now, an invitation's expiry, a grant's end
 *                                   and the days before it). Inserted blind: new keys, no read.
 *   ine|{endsAt}|{customerId}       an active relationship's granted delegated admin, by its end
 *                                   (the customers whose access ends soon), moved with it
 *
 * Reading at `asOf` is ONE range query, `ins|a` up to the last step row at `asOf`: the sum plus the
 * steps not folded yet. Rows of future times (an expiry next month) are not read until they fall
 * due. Folding (due work: after each commit's events are handled, and after a read that found
 * many steps) adds the steps of a minute ago and older into `ins|a` and deletes them, in one
 * transaction guarded by `ins|a`'s ETag.
 */
import { randomUUID } from 'node:crypto';
import { WriteConflict } from '../domain/errors';
import { DAY_MS } from '../domain/grant';
import { FOLD_MARGIN_MS } from '../domain/insights';
import { invitationDelta, mergeSteps, addTally, relationshipDelta, type Step, type Tally } from '../domain/insightSteps';
import type { Relationship, Versioned } from '../domain/model';
import type { Change } from '../domain/ports';
import type { EndingGrant, InsightCounters, InsightStore } from '../domain/store/insights';
import { prefixEnd } from './layout';
import type { RowData, Rows, StoredRow, WriteOp } from './rows';

export const INSIGHTS = 'ins|';
export const INSIGHTS_FOLDED = 'ins|a';
export const INSIGHT_STEP = 'ins|t|';

export const ENDING = 'ine|';
/** "Ending soon" is within this many days. */
export const ENDING_SOON_DAYS = 30;

/** Steps folded in one transaction (at most 100 writes: the sum and the deleted rows). */
export const FOLD_BATCH = 98;
/** A property holds at most 32 K UTF-16 characters: the sum is written in pieces. */
const PIECE = 30_000;

const fixed = (ms: number) => String(Math.max(0, ms)).padStart(13, '0');
export const stepKey = (at: number, id: string) => `${INSIGHT_STEP}${fixed(at)}|${id}`;

/** The rows of a commit's steps: one per distinct time. */
export function stepWrites(steps: Step[]): WriteOp[] {
  const id = randomUUID();
  return mergeSteps(steps).map((s) => ({ kind: 'insert', rk: stepKey(s.at, id), data: { at: s.at, d: JSON.stringify(s.tally) } }));
}

/** The ending-soon row of a relationship, if it has one: active, with delegated admin granted. */
export function endingRow(r: Relationship): { rk: string; data: RowData } | undefined {
  if (r.status !== 'active' || r.delegatedAdmin.status !== 'granted') return undefined;
  const grant: EndingGrant = { customerId: r.customerId, companyName: r.companyName, endsAt: r.delegatedAdmin.endsAt };
  return { rk: `${ENDING}${grant.endsAt}|${grant.customerId}`, data: { doc: JSON.stringify(grant) } };
}

/** A relationship's ending-soon row moved from its previous state to its next (only a counted previous has one). */
export function endingWrites(next: Relationship, previous: Versioned<Relationship> | undefined): WriteOp[] {
  const before = previous && !previous.uncounted ? endingRow(previous.value) : undefined;
  const after = endingRow(next);
  const ops: WriteOp[] = [];
  if (before && before.rk !== after?.rk) ops.push({ kind: 'delete', rk: before.rk });
  if (after) ops.push({ kind: 'put', rk: after.rk, data: after.data });
  return ops;
}

/**
 * The counters' writes of a commit: the steps of every invitation and relationship it changes
 * (its new state minus the state its write is guarded by), and the ending-soon rows. No reads:
 * the previous states are the ones the commit's ETags prove it replaces.
 */
export function insightWrites(changes: Change[]): WriteOp[] {
  const steps: Step[] = [];
  const ops: WriteOp[] = [];
  for (const c of changes) {
    if (c.kind === 'createInvitation') steps.push(...invitationDelta(c.invitation, undefined));
    else if (c.kind === 'updateInvitation')
      steps.push(...invitationDelta(c.invitation, c.previous.uncounted ? undefined : c.previous.value));
    else if (c.kind === 'saveRelationship') {
      steps.push(...relationshipDelta(c.relationship, c.previous && !c.previous.uncounted ? c.previous.value : undefined));
      ops.push(...endingWrites(c.relationship, c.previous));
    }
  }
  return [...stepWrites(steps), ...ops];
}

export interface Folded {
  tally: Tally;
  /** Every step at or before this moment that existed when it was folded is in `tally`. */
  through: number;
}

function foldedOf(row: StoredRow | undefined): Folded {
  if (!row) return { tally: {}, through: 0 };
  let json = '';
  for (let i = 0; typeof row.data[`p${i}`] === 'string'; i++) json += String(row.data[`p${i}`]);
  return { tally: json ? (JSON.parse(json) as Tally) : {}, through: Number(row.data.through ?? 0) };
}

function foldedData(f: Folded): RowData {
  const json = JSON.stringify(f.tally);
  const data: RowData = { through: f.through };
  for (let i = 0; i * PIECE < json.length || i === 0; i++) data[`p${i}`] = json.slice(i * PIECE, (i + 1) * PIECE);
  return data;
}

const stepOf = (row: StoredRow): Step => ({ at: Number(row.data.at), tally: JSON.parse(String(row.data.d)) as Tally });

/**
 * The folded sum and the steps not folded yet, up to `asOf` (one range query), and the first
 * grants ending within 30 days after `asOf` (another, in parallel).
 */
export async function readCounters(rows: Rows, partnerId: string, asOf: Date, endingLimit: number): Promise<InsightCounters> {
  const [found, ending] = await Promise.all([
    rows.range('data', partnerId, { from: INSIGHTS_FOLDED, to: `${INSIGHT_STEP}${fixed(asOf.getTime() + 1)}`, limit: 100_000 }),
    rows.range('data', partnerId, {
      from: `${ENDING}${asOf.toISOString()}\uffff`,
      to: `${ENDING}${new Date(asOf.getTime() + ENDING_SOON_DAYS * DAY_MS).toISOString()}\uffff`,
      limit: endingLimit,
    }),
  ]);
  const sum = found[0]?.rk === INSIGHTS_FOLDED ? found[0] : undefined;
  return {
    folded: foldedOf(sum).tally,
    steps: found.filter((r) => r.rk !== INSIGHTS_FOLDED).map(stepOf),
    endingSoon: ending.map((r) => JSON.parse(String(r.data.doc)) as EndingGrant),
  };
}

/**
 * Folds the partner's steps up to a minute before `now` into its sum, a batch per transaction,
 * and prunes the days no answer needs any more (older than `keepDaysFrom`). A lost race on the sum
 * (another fold) reads again; the steps are never lost, only folded later. Returns the steps folded.
 */
export async function foldCounters(rows: Rows, partnerId: string, now: Date, keepDaysFrom: string, maxBatches = 50): Promise<number> {
  const through = now.getTime() - FOLD_MARGIN_MS;
  let total = 0;
  for (let batch = 0, conflicts = 0; batch < maxBatches;) {
    const found = await rows.range('data', partnerId, {
      from: INSIGHTS_FOLDED,
      to: `${INSIGHT_STEP}${fixed(through + 1)}`,
      limit: FOLD_BATCH + 1,
    });
    const sumRow = found[0]?.rk === INSIGHTS_FOLDED ? found[0] : undefined;
    const steps = found.filter((r) => r.rk.startsWith(INSIGHT_STEP)).slice(0, FOLD_BATCH);
    if (steps.length === 0) return total;
    const folded = foldedOf(sumRow);
    for (const s of steps) addTally(folded.tally, stepOf(s).tally);
    for (const k of Object.keys(folded.tally)) if (k.startsWith('d|') && k.slice(2, 12) < keepDaysFrom) delete folded.tally[k];
    const data = foldedData({ tally: folded.tally, through: Math.max(folded.through, through) });
    const ops: WriteOp[] = [
      sumRow ? { kind: 'replace', rk: INSIGHTS_FOLDED, data, etag: sumRow.etag } : { kind: 'insert', rk: INSIGHTS_FOLDED, data },
      ...steps.map((s): WriteOp => ({ kind: 'delete', rk: s.rk })),
    ];
    try {
      await rows.commit('data', partnerId, ops);
    } catch (err) {
      if (!(err instanceof WriteConflict) || ++conflicts > 5) throw err;
      continue;
    }
    total += steps.length;
    batch++;
    if (steps.length < FOLD_BATCH) return total;
  }
  return total;
}

/** Every row of the insight counters. */
export const insightRange = { from: INSIGHTS, to: prefixEnd(INSIGHTS) };

/** The InsightStore port over rows. */
export const insightStore = (rows: Rows): InsightStore => ({
  insightCounters: (partnerId, asOf, endingSoonLimit) => readCounters(rows, partnerId, asOf, endingSoonLimit),
  foldInsights: (partnerId, now, keepDaysFrom) => foldCounters(rows, partnerId, now, keepDaysFrom),
});
