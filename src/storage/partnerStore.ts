/**
 * The domain's PartnerStore over rows (Azure Table Storage or memory): each aggregate's reads
 * and writes (invitationRows.ts, relationshipRows.ts, auditRows.ts, eventRows.ts,
 * partnerRows.ts), one pager for every listing (pager.ts), and ONE commit per partner partition
 * (an entity group transaction) that applies changes of any aggregates together, with their events
 * (announced on the queue, and their day noted for retention, around it).
 */
import type { CloudEvent } from '../domain/model';
import { ANNOUNCE_DELAY_SECONDS, type Change, type EventMessage, type EventQueue, type PartnerStore } from '../domain/ports';
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
     * process dying after the commit loses no delivery and no customer step, and nothing ever
     * scans for events), made visible AFTER it, marked `settled` (the commit is made), unawaited
     * (or withdrawn when it failed); the day of its events is noted for retention beside the send.
     * With `follow`, the announcement carries what is owed after the commit (the customers' side,
     * warning points), and its release is handed to `follow.hold` (it waits for the customer step).
     */
    async commit(partnerId, changes, follow) {
      const implied = eventsOf(partnerId, changes);
      const eventIds = implied.map((e) => e.id);
      const message: EventMessage = {
        partnerId,
        eventIds,
        ...(follow?.owed?.length ? { owed: follow.owed } : {}),
        ...(follow?.warnings?.length ? { warnings: follow.warnings } : {}),
      };
      const announcer = implied.length > 0 ? queue : undefined;
      const [announced] = await Promise.all([
        announcer?.send(message, ANNOUNCE_DELAY_SECONDS),
        implied.length > 0 ? retention?.note(partnerId, eventIds) : undefined,
      ]);
      let versions: (string | undefined)[];
      try {
        versions = await apply(partnerId, changes, implied);
      } catch (err) {
        if (announced) await announcer?.withdraw(announced).catch(() => undefined);
        throw err;
      }
      // The request path waits for one queue round trip, the send: if the release is lost, the
      // announcement still comes after its delay (not settled: the worker checks everything).
      const release = (settled: boolean) =>
        announced && announcer ? announcer.release(announced, settled ? { ...message, settled: true } : undefined) : Promise.resolve();
      if (follow?.hold) follow.hold(release);
      else void release(true).catch(() => undefined);
      return versions;
    },

    ping: () => rows.ping(),
  };
}
