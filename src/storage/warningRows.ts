/**
 * The WarningSchedule over rows (see src/domain/endingSoon.ts), in the `data` table, spread so
 * that no partition takes every partner's writes:
 *
 *   warn|{YYYY-MM-DD of dueAt}|{shard 0-7}   {dueAt}|{kind}|{partnerId}|{subjectId}|{days}   a warning point
 *   warn-cursor                              cursor                                          the first day the job still reads
 *
 * and, in the partner's partition, `wrn|{kind}|{subject}|{endsAt}|{days}`: the warning was emitted
 * (inserted with its event, so a second emission is a conflict).
 *
 * The shard is a hash of the partner and the subject. The job reads, for each day from the
 * cursor to today, each shard's rows due by now (a key range): its cost is a few reads per day
 * it looks at, plus what falls due. It moves the cursor up to the first day that still has
 * rows, never beyond yesterday (rows are always scheduled at or after their writer's now).
 */
import { createHash } from 'node:crypto';
import { WriteConflict } from '../domain/errors';
import type { Warning, WarningSchedule } from '../domain/endingSoon';
import type { WarningChange } from '../domain/ports';
import type { Writers } from './pager';
import type { Rows, WriteOp } from './rows';

export const WARNING_SHARDS = 8;
export const CURSOR_PARTITION = 'warn-cursor';
const CURSOR_ROW = 'cursor';
/** Where the job starts when it has never run. */
const FIRST_LOOKBACK_DAYS = 2;
/** Days one run reads at most (the cursor catches up over runs after a long outage). */
const MAX_DAYS_PER_RUN = 62;
const DAY_MS = 86_400_000;

const dayOf = (iso: string) => iso.slice(0, 10);
const shardOf = (w: Warning) => createHash('sha256').update(`${w.partnerId}|${w.subjectId}`).digest()[0]! % WARNING_SHARDS;
export const warningPartition = (day: string, shard: number) => `warn|${day}|${shard}`;
const rowKey = (w: Warning) => `${w.dueAt}|${w.kind}|${w.partnerId}|${w.subjectId}|${w.days}|${w.endsAt}`;

export class RowWarningSchedule implements WarningSchedule {
  constructor(readonly rows: Rows) {}

  async schedule(warnings: Warning[]): Promise<void> {
    const byPartition = new Map<string, WriteOp[]>();
    for (const w of warnings) {
      const pk = warningPartition(dayOf(w.dueAt), shardOf(w));
      const ops = byPartition.get(pk) ?? [];
      ops.push({ kind: 'put', rk: rowKey(w), data: { doc: JSON.stringify(w) } });
      byPartition.set(pk, ops);
    }
    await Promise.all([...byPartition].map(([pk, ops]) => this.rows.commit('data', pk, ops)));
  }

  async due(now: Date, limit: number): Promise<Warning[]> {
    const cursorRow = await this.rows.get('data', CURSOR_PARTITION, CURSOR_ROW);
    const today = dayOf(now.toISOString());
    const first =
      typeof cursorRow?.data.day === 'string'
        ? cursorRow.data.day
        : dayOf(new Date(now.getTime() - FIRST_LOOKBACK_DAYS * DAY_MS).toISOString());
    const found: Warning[] = [];
    let firstWithRows: string | undefined;
    let day = first;
    for (let n = 0; day <= today && n < MAX_DAYS_PER_RUN && found.length < limit; n++) {
      const shards = await Promise.all(
        Array.from({ length: WARNING_SHARDS }, (_, shard) =>
          this.rows.range('data', warningPartition(day, shard), { from: '', to: `${now.toISOString()}~`, limit }),
        ),
      );
      const rows = shards.flat();
      if (rows.length && !firstWithRows) firstWithRows = day;
      found.push(...rows.map((r) => JSON.parse(String(r.data.doc)) as Warning));
      day = dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString());
    }
    // Days before the first one with rows are done; today and yesterday are read again (late writers).
    const yesterday = dayOf(new Date(now.getTime() - DAY_MS).toISOString());
    const next = [firstWithRows ?? day, yesterday].sort()[0]!;
    if (next > first) await this.rows.commit('data', CURSOR_PARTITION, [{ kind: 'put', rk: CURSOR_ROW, data: { day: next } }]);
    return found.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0)).slice(0, limit);
  }

  async done(w: Warning): Promise<void> {
    try {
      await this.rows.commit('data', warningPartition(dayOf(w.dueAt), shardOf(w)), [{ kind: 'delete', rk: rowKey(w) }]);
    } catch (err) {
      if (!(err instanceof WriteConflict)) throw err;
    }
  }
}

/** The mark of an emitted warning, in the partner's commit. */
export const warningMarkWriters: Writers<WarningChange> = {
  markWarning: (c) => ({ writes: [{ kind: 'insert', rk: `wrn|${c.key}`, data: {} }] }),
};
