/**
 * A partner's events, its webhook and the deliveries of its events (src/domain/events.ts,
 * webhooks.ts, delivery.ts). Every commit also records the events of its audit events (the
 * store applies `eventsOf`); `recordEvent` adds one of its own.
 */
import type { Spent } from '../budgets';
import type { CloudEvent, Delivery, DeliveryStatus, Page, PageRequest, PartnerRecord, Versioned, Webhook } from '../model';

export type EventChange =
  | { kind: 'recordEvent'; event: CloudEvent }
  /** Creates the registration (no `version`) or replaces it if it is still at `version`. */
  | { kind: 'saveWebhook'; webhook: Webhook; version?: string | undefined }
  | { kind: 'deleteWebhook' }
  /** Creates the delivery state of an event (no `version`) or replaces it if still at `version`. */
  | { kind: 'saveDelivery'; delivery: Delivery; version?: string | undefined }
  /** A partner's budget (src/domain/budgets.ts): created (no `version`) or replaced if still at `version`. */
  | { kind: 'saveBudget'; name: BudgetName; spent: Spent; version?: string | undefined }
  /**
   * Holds an event's next attempt (the partner is suspended, or its endpoint disabled) until a
   * release; `unchanged` must still be at its version (what the hold was decided on).
   */
  | { kind: 'holdDelivery'; held: HeldDelivery; unchanged: Unchanged }
  /** Forgets held deliveries (their attempts are queued again). */
  | { kind: 'releaseHeld'; eventIds: string[] };

export type BudgetName = 'testEvents' | 'redeliveries';

export interface HeldDelivery {
  eventId: string;
  /** The attempt to make on release. */
  attempt: number;
}

/** A record a commit requires unchanged (written again as it is, with its version). */
export type Unchanged = { kind: 'partner'; record: Versioned<PartnerRecord> } | { kind: 'webhook'; webhook: Versioned<Webhook> };

export interface EventStore {
  event(partnerId: string, eventId: string): Promise<CloudEvent | undefined>;
  /** Oldest first, after the event `after` (exclusive), only events made before `settledBefore`. */
  events(partnerId: string, filter: { after?: string | undefined; settledBefore: Date }, page: PageRequest): Promise<Page<CloudEvent>>;
  webhook(partnerId: string): Promise<Versioned<Webhook> | undefined>;
  delivery(partnerId: string, eventId: string): Promise<Versioned<Delivery> | undefined>;
  /** Oldest event first. */
  deliveries(partnerId: string, filter: { status: DeliveryStatus | 'all' }, page: PageRequest): Promise<Page<Delivery>>;
  budget(partnerId: string, name: BudgetName): Promise<Versioned<Spent> | undefined>;
  /** Held deliveries, oldest event first (at most `limit`). */
  heldDeliveries(partnerId: string, limit: number): Promise<HeldDelivery[]>;
}
