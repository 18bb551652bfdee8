/**
 * The domain's PartnerStore over rows (Azure Table Storage or memory): each aggregate's reads
 * and writes (invitationRows.ts, relationshipRows.ts, auditRows.ts, eventRows.ts,
 * partnerRows.ts), one pager for every listing (pager.ts), and ONE commit per partner partition
 * (an entity group transaction) that applies changes of any aggregates together, with their events
 * (announced on the queue, and their day noted for retention, around it).
 */
import type { CloudEvent } from '../domain/model';
import { ANNOUNCE_DELAY_SECONDS, type Change, type EventQueue, type PartnerStore } from '../domain/ports';
import { eventsOf } from '../domain/events';
import { auditRows } from './auditRows';
import { eventRows, eventWrite } from './eventRows';
import { insightStore, insightWrites } from './insightRows';
import { invitationRows } from './invitationRows';
import { pager, type Written } from './pager';
import { partnerRows } from './partnerRows';
import { relationshipRows } from './relationshipRows';
import type { RowEventRetention } from './retention';
import { changeRequestRows } from './changeRequestRows';
import { warningMarkWriters } from './warningRows';
import type { Rows, WriteOp } from './rows';

export function rowPartnerStore(
  rows: Rows,
  /** Signs cursors. */
  cursorKey: string,
  /** Where commits announce their events (absent: events are recorded, nobody is told). */
  queue?: EventQueue,
  /** Where commits note the days of their events, for their removal after retention. */
  retention?: RowEventRetention,
): PartnerStore {
  const page = pager(rows, cursorKey);
  // A new aggregate joins here: its reads, and the writers of its change kinds.
  const invitations = invitationRows(rows, page);
  const relationships = relationshipRows(rows, page);
  const audit = auditRows(rows, page);
  const events = eventRows(rows, page);
  const partners = partnerRows(rows, page);
  const changeRequests = changeRequestRows(rows, page);
  const writers = {
    ...invitations.writers,
    ...relationships.writers,
    ...audit.writers,
    ...events.writers,
    ...partners.writers,
    ...changeRequests.writers,
    ...warningMarkWriters,
  };

  async function apply(partnerId: string, changes: Change[], implied: CloudEvent[]): Promise<(string | undefined)[]> {
    const written = changes.map((c) => (writers[c.kind] as (change: Change) => Written)(c));
    // The insight counters' rows are implied too: they follow from the changes (insightRows.ts).
    const writes: WriteOp[] = [...written.flatMap((w) => w.writes), ...implied.map(eventWrite), ...insightWrites(changes)];
    const etags = await rows.commit('data', partnerId, writes);
    return written.map((w) => (w.versionKey === undefined ? undefined : etags.get(w.versionKey)));
  }

  return {
    ...invitations.reads,
    ...relationships.reads,
    ...audit.reads,
    ...events.reads,
    ...partners.reads,
    ...changeRequests.reads,
    ...insightStore(rows),

    /**
     * The outbox: the commit's events (its own and one per audit event, src/domain/events.ts) are
     * written with it, and announced on the queue around it: BEFORE the commit with a delay (so a
     * process dying after the commit loses no delivery, and nothing ever scans for events), made
     * visible at once AFTER it, unawaited (or withdrawn when it failed).
     */
    async commit(partnerId, changes) {
      const implied = eventsOf(partnerId, changes);
      const eventIds = implied.map((e) => e.id);
      const [announced] = await Promise.all([
        implied.length > 0 && queue ? queue.send({ partnerId, eventIds }, ANNOUNCE_DELAY_SECONDS) : undefined,
        implied.length > 0 ? retention?.note(partnerId, eventIds) : undefined,
      ]);
      let versions: (string | undefined)[];
      try {
        versions = await apply(partnerId, changes, implied);
      } catch (err) {
        if (announced) await queue?.withdraw(announced).catch(() => undefined);
        throw err;
      }
      // The change is made. Its announcement is made visible now, without holding up the answer
      // (the request path waits for one queue round trip, the send): if this is lost, the
      // announcement still comes after its delay.
      if (announced) void queue?.release(announced).catch(() => undefined);
      return versions;
    },

    ping: () => rows.ping(),
  };
}
