/**
 * The EventRetention port over rows. Due rows live in their own partition of `data`,
 * `retention`, keyed `{YYYY-MM-DD}|{partnerId}`: written (idempotently) once per partner per day
 * by each instance, before the commit that records that day's first events, so the purge reads
 * only the rows of days past retention. A partner's events and delivery records of a day are
 * one key range each (event ids are time-ordered), read and deleted a page at a time.
 */
import { eventIdPrefix, eventIdTime } from '../domain/events';
import type { EventRetention, RetentionDue } from '../domain/ports';
import { utcDayOf } from '../domain/retention';
import { DELIVERY, EVENT, HELD, RETENTION_PARTITION } from './layout';
import type { Rows } from './rows';

const dueKey = (d: RetentionDue) => `${d.day}|${d.partnerId}`;

export class RowEventRetention implements EventRetention {
  /** Due rows this instance has written (`{day}|{partnerId}`): each is written once. */
  private readonly noted = new Set<string>();

  constructor(private readonly rows: Rows) {}

  /** Notes the partner under the days of these event ids (before the commit that records them). */
  async note(partnerId: string, eventIds: string[]): Promise<void> {
    const days = [...new Set(eventIds.map((id) => utcDayOf(eventIdTime(id))))];
    const fresh = days.map((day) => ({ day, partnerId })).filter((d) => !this.noted.has(dueKey(d)));
    if (fresh.length === 0) return;
    await this.rows.commit(
      'data',
      RETENTION_PARTITION,
      fresh.map((d) => ({ kind: 'put', rk: dueKey(d), data: { day: d.day, partnerId: d.partnerId } })),
    );
    if (this.noted.size > 100_000) this.noted.clear();
    for (const d of fresh) this.noted.add(dueKey(d));
  }

  async due(beforeDay: string, limit: number): Promise<RetentionDue[]> {
    const rows = await this.rows.range('data', RETENTION_PARTITION, { from: '', to: beforeDay, limit });
    return rows.map((r) => ({ day: String(r.data.day), partnerId: String(r.data.partnerId) }));
  }

  async purge(d: RetentionDue, limit: number): Promise<number> {
    const start = Date.parse(`${d.day}T00:00:00.000Z`);
    const from = eventIdPrefix(start);
    const to = eventIdPrefix(start + 86_400_000);
    const [events = [], deliveries = [], held = []] = await Promise.all(
      [EVENT, DELIVERY, HELD].map((prefix) =>
        this.rows.range('data', d.partnerId, { from: `${prefix}${from}`, to: `${prefix}${to}`, limit }),
      ),
    );
    const keys = [...events, ...deliveries, ...held].map((r) => r.rk);
    for (let i = 0; i < keys.length; i += 100) {
      await this.rows.commit(
        'data',
        d.partnerId,
        keys.slice(i, i + 100).map((rk) => ({ kind: 'delete' as const, rk })),
      );
    }
    return events.length;
  }

  async done(d: RetentionDue): Promise<void> {
    await this.rows.commit('data', RETENTION_PARTITION, [{ kind: 'delete', rk: dueKey(d) }]);
  }
}
