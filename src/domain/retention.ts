/**
 * Retention: events (the feed) and their delivery records are removed EVENT_RETENTION_DAYS
 * after the day they were recorded, by a timer that reads only the due rows of days past
 * retention and then only those partners' expired key ranges (no scan). Audit events are not
 * touched: they are the record of who did what, and grow with partners' real actions only.
 */
import type { EventRetention } from './ports';

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of a time. */
export const utcDayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Removes what is due at `now`: the events of days more than `days` days back. */
export async function purgeExpiredEvents(
  deps: { retention: EventRetention },
  now: Date,
  days: number,
): Promise<{ due: number; removed: number }> {
  // Days before this one are past retention (a day is kept whole until its last event is `days` old).
  const beforeDay = utcDayOf(now.getTime() - days * DAY_MS);
  let due = 0;
  let removed = 0;
  for (;;) {
    const batch = await deps.retention.due(beforeDay, 50);
    for (const d of batch) {
      for (;;) {
        const n = await deps.retention.purge(d, 100);
        removed += n;
        if (n < 100) break;
      }
      await deps.retention.done(d);
    }
    due += batch.length;
    if (batch.length < 50) return { due, removed };
  }
}
