/**
 * A partner's events, its webhook and the deliveries of its events (src/domain/events.ts,
 * webhooks.ts, delivery.ts). Every commit also records the events of its audit events (the
 * store applies `eventsOf`); `recordEvent` adds one of its own.
 */
import type { CloudEvent, Delivery, DeliveryStatus, Page, PageRequest, Versioned, Webhook } from '../model';

export type EventChange =
  | { kind: 'recordEvent'; event: CloudEvent }
  /** Creates the registration (no `version`) or replaces it if it is still at `version`. */
  | { kind: 'saveWebhook'; webhook: Webhook; version?: string | undefined }
  | { kind: 'deleteWebhook' }
  /** Creates the delivery state of an event (no `version`) or replaces it if still at `version`. */
  | { kind: 'saveDelivery'; delivery: Delivery; version?: string | undefined };

export interface EventStore {
  event(partnerId: string, eventId: string): Promise<CloudEvent | undefined>;
  /** Oldest first, after the event `after` (exclusive), only events made before `settledBefore`. */
  events(partnerId: string, filter: { after?: string | undefined; settledBefore: Date }, page: PageRequest): Promise<Page<CloudEvent>>;
  webhook(partnerId: string): Promise<Versioned<Webhook> | undefined>;
  delivery(partnerId: string, eventId: string): Promise<Versioned<Delivery> | undefined>;
  /** Oldest event first. */
  deliveries(partnerId: string, filter: { status: DeliveryStatus | 'all' }, page: PageRequest): Promise<Page<Delivery>>;
}
