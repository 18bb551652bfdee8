/** Events (the outbox), the webhook registration and the deliveries over rows. */
import { eventIdPrefix } from '../domain/events';
import type { Spent } from '../domain/budgets';
import type { CloudEvent, Delivery, Webhook } from '../domain/model';
import type { EventChange, EventStore } from '../domain/ports';
import {
  DELIVERY,
  EVENT,
  HELD,
  PARTNER_RECORD,
  WEBHOOK,
  budgetKey,
  deliveryKey,
  eventKey,
  heldKey,
  partnerRecordData,
  prefixEnd,
  recordOf,
  versioned,
} from './layout';
import { saveRow, type AggregateRows, type Pager, readOne } from './pager';
import type { Rows, WriteOp } from './rows';

/** An event's row: inserted, never upserted (an event id is written once). */
export const eventWrite = (e: CloudEvent): WriteOp => ({
  kind: 'insert',
  rk: eventKey(e.id),
  data: { doc: JSON.stringify(e), type: e.type },
});

export function eventRows(rows: Rows, page: Pager): AggregateRows<EventStore, EventChange> {
  return {
    reads: {
      async event(partnerId, eventId) {
        return readOne(rows, partnerId, eventKey(eventId), (row) => recordOf<CloudEvent>(row));
      },
      events(partnerId, filter, request) {
        // Ids are time-ordered: the first id of the settle time bounds the range.
        const to = eventKey(eventIdPrefix(filter.settledBefore.getTime()));
        return page(
          partnerId,
          {
            scope: `events|${filter.after ?? ''}`,
            prefix: EVENT,
            from: filter.after ? `${eventKey(filter.after)}\u0000` : EVENT,
            to,
            position: (r) => r.rk,
            keyOf: (p) => p,
          },
          request,
          (r) => recordOf<CloudEvent>(r),
        );
      },
      async webhook(partnerId) {
        return readOne(rows, partnerId, WEBHOOK, (row) => versioned<Webhook>(row));
      },
      async delivery(partnerId, eventId) {
        return readOne(rows, partnerId, deliveryKey(eventId), (row) => versioned<Delivery>(row));
      },
      deliveries(partnerId, filter, request) {
        return page(
          partnerId,
          {
            scope: `deliveries|${filter.status}`,
            prefix: DELIVERY,
            ...(filter.status !== 'all' ? { where: [{ prop: 'status', op: 'eq' as const, value: filter.status }] } : {}),
            position: (r) => r.rk,
            keyOf: (p) => p,
          },
          request,
          (r) => recordOf<Delivery>(r),
        );
      },
      async budget(partnerId, name) {
        return readOne(rows, partnerId, budgetKey(name), (row) => versioned<Spent>(row));
      },
      async heldDeliveries(partnerId, limit) {
        const found = await rows.range('data', partnerId, { from: HELD, to: prefixEnd(HELD), limit });
        return found.map((r) => ({ eventId: r.rk.slice(HELD.length), attempt: Number(r.data.attempt ?? 1) }));
      },
    },
    writers: {
      // The commit writes every event it implies (src/domain/events.ts eventsOf), this one among them.
      recordEvent: () => ({ writes: [] }),
      saveWebhook: (c) => saveRow(WEBHOOK, { doc: JSON.stringify(c.webhook) }, c.version),
      deleteWebhook: () => ({ writes: [{ kind: 'delete', rk: WEBHOOK }] }),
      saveDelivery: (c) =>
        saveRow(deliveryKey(c.delivery.eventId), { doc: JSON.stringify(c.delivery), status: c.delivery.status }, c.version),
      saveBudget: (c) => saveRow(budgetKey(c.name), { doc: JSON.stringify(c.spent) }, c.version),
      // The record the hold was decided on, written again as it is (its ETag guards the hold), and the hold.
      holdDelivery: (c) => {
        const u = c.unchanged;
        const again: WriteOp =
          u.kind === 'partner'
            ? { kind: 'replace', rk: PARTNER_RECORD, data: partnerRecordData(u.record.value), etag: u.record.version }
            : { kind: 'replace', rk: WEBHOOK, data: { doc: JSON.stringify(u.webhook.value) }, etag: u.webhook.version };
        return { writes: [again, { kind: 'put', rk: heldKey(c.held.eventId), data: { attempt: c.held.attempt } }] };
      },
      releaseHeld: (c) => ({ writes: c.eventIds.map((id): WriteOp => ({ kind: 'delete', rk: heldKey(id) })) }),
    },
  };
}
