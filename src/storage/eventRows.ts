/** Events (the outbox), the webhook registration and the deliveries over rows. */
import { eventIdPrefix } from '../domain/events';
import type { CloudEvent, Delivery, Webhook } from '../domain/model';
import type { EventChange, EventStore } from '../domain/ports';
import { DELIVERY, EVENT, WEBHOOK, deliveryKey, eventKey, recordOf, versioned } from './layout';
import { saveRow, type AggregateRows, type Pager } from './pager';
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
        const row = await rows.get('data', partnerId, eventKey(eventId));
        return row ? recordOf<CloudEvent>(row) : undefined;
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
        const row = await rows.get('data', partnerId, WEBHOOK);
        return row ? versioned<Webhook>(row) : undefined;
      },
      async delivery(partnerId, eventId) {
        const row = await rows.get('data', partnerId, deliveryKey(eventId));
        return row ? versioned<Delivery>(row) : undefined;
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
    },
    writers: {
      // The commit writes every event it implies (src/domain/events.ts eventsOf), this one among them.
      recordEvent: () => ({ writes: [] }),
      saveWebhook: (c) => saveRow(WEBHOOK, { doc: JSON.stringify(c.webhook) }, c.version),
      deleteWebhook: () => ({ writes: [{ kind: 'delete', rk: WEBHOOK }] }),
      saveDelivery: (c) =>
        saveRow(deliveryKey(c.delivery.eventId), { doc: JSON.stringify(c.delivery), status: c.delivery.status }, c.version),
    },
  };
}
