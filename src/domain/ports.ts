/**
 * The ports the use cases need, in the domain's words. Adapters (src/storage, src/email)
 * implement them; how rows, keys, index rows and cursors look is the adapters' business.
 */
import type { AuditEvent, CustomerRelationship, Page, PageRequest, Partner } from './model';
import type { AuditChange, AuditLog } from './store/audit';
import type { EventChange, EventStore } from './store/events';
import type { InsightStore } from './store/insights';
import type { InvitationChange, InvitationStore } from './store/invitations';
import type { PartnerChange, PartnerRecords } from './store/partners';
import type { RelationshipChange, RelationshipStore } from './store/relationships';
import type { ChangeRequestChange, ChangeRequestStore } from './store/changeRequests';
import type { WarningChange } from './store/warnings';
import type { Warning, WarningSchedule } from './warnings';

// The aggregates' ports, for the use cases that take them from here.
export type * from './store/audit';
export type * from './store/events';
export type * from './store/insights';
export type * from './store/invitations';
export type * from './store/partners';
export type * from './store/relationships';
export type * from './store/changeRequests';
export type * from './store/warnings';

/**
 * The partners' data, one port per aggregate (src/domain/store/*.ts): each owns its reads and
 * its change kinds. A new aggregate is a new file there, joined to `Change` and `PartnerStore`.
 */
export type Change =
  InvitationChange | RelationshipChange | AuditChange | EventChange | PartnerChange | ChangeRequestChange | WarningChange;

/** Each partner's data changes only through `commit`: all its changes, or none. */
export interface UnitOfWork {
  /**
   * Applies the changes atomically in the partner's data (one entity group transaction),
   * with the events they imply; WriteConflict when a version no longer matches or a record
   * already exists, UnavailableError when storage cannot be reached. Returns, in the order of
   * the changes, the new version of what each change saved (an invitation, relationship, send
   * count, creation record, partner record, webhook or delivery), or undefined for a change
   * that saves nothing versioned (audit events, events, marks, deletions). With `follow`, the
   * commit's announcement also carries what is owed after it (the customers' side, warning
   * points), and is released only when `follow.hold`'s release is called.
   */
  commit(partnerId: string, changes: Change[], follow?: FollowUp): Promise<(string | undefined)[]>;
  /** Storage answers (for /api/health). */
  ping(): Promise<void>;
}

/** Partners' data: every aggregate's reads, and one commit. Listings cost what their page costs. */
export type PartnerStore = InvitationStore &
  RelationshipStore &
  AuditLog &
  EventStore &
  PartnerRecords &
  ChangeRequestStore &
  InsightStore &
  UnitOfWork;

/** A message of the delivery queue: these events of this partner are (or are about to be) committed. */
export interface EventMessage {
  partnerId: string;
  eventIds: string[];
  /** The attempt this message is for (1 when absent). */
  attempt?: number;
  /** How many times it waited for one of the partner's slots (each wait is longer). */
  waits?: number;
  /** The customers' side the commit owes (its relationship changes): the durable record of that work. */
  owed?: RelationshipNote[];
  /** Warning points the commit sets (src/domain/endingSoon.ts), scheduled by the worker. */
  warnings?: Warning[];
  /** Set when released by the request that committed: the commit is made and its customer step done. */
  settled?: boolean;
  /**
   * Sent by the release of held deliveries (the endpoint re-enabled, the partner reactivated): it
   * does not wait out this instance's memory of a failing endpoint, and decides on storage.
   */
  released?: boolean;
}

/** What a commit owes beyond itself, carried by its announcement and done by its worker. */
export interface FollowUp {
  owed?: RelationshipNote[];
  warnings?: Warning[];
  /**
   * Receives the announcement's release (`settled`: the customer step is done); without it the
   * announcement is released settled once the commit is made.
   */
  hold?(release: (settled: boolean) => Promise<void>): void;
}

/**
 * How long a commit's announcement (its events' message, sent before the commit is applied)
 * stays invisible: longer than any commit takes.
 */
export const ANNOUNCE_DELAY_SECONDS = 30;

/**
 * The lane of a delivery message: `due` work (a commit's announcement, a retry when its time
 * comes, a release), or work `waiting` for its own partner (a slot, the endpoint's next probe).
 * Waiting work has a queue of its own, so however much of it one partner has, it never sits
 * ahead of another partner's due work.
 */
export type QueueLane = 'due' | 'waiting';

/** The delivery queue (Azure Storage Queues). Messages are delivered at least once. */
export interface EventQueue {
  /** Enqueues a message (on the `due` lane unless told) that becomes visible after `delaySeconds`; resolves with a handle to it. */
  send(message: EventMessage, delaySeconds: number, lane?: QueueLane): Promise<QueuedMessage>;
  /** Makes a message sent with a delay visible now (with new content, when given). */
  release(message: QueuedMessage, content?: EventMessage): Promise<void>;
  /** Removes a message (best effort). */
  withdraw(message: QueuedMessage): Promise<void>;
}

export interface QueuedMessage {
  messageId: string;
  popReceipt: string;
  /** The lane it was sent on, when not `due`: a release or withdrawal acts on that lane's queue. */
  lane?: QueueLane;
}

/** Why no answer came, as a class (never the socket's own text). */
export type DeliveryErrorClass = 'timeout' | 'connection-refused' | 'tls' | 'dns';

export interface WebhookResponse {
  /** Absent when no answer came (refused target, connection error, timeout). */
  status?: number;
  error?: DeliveryErrorClass;
  /** The first bytes of the answer's body, no more. */
  excerpt: string;
}

/** Posts to partners' receivers, refusing targets the policy refuses (src/webhooks). */
export interface WebhookTransport {
  /** Whether the URL may be registered (scheme, and where its host resolves). */
  allowed(url: string): Promise<boolean>;
  post(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse>;
}

/**
 * Deliveries in flight in this process, per partner: a partner at its cap waits in the queue,
 * so one partner's slow receiver never holds every worker.
 */
export interface DeliverySlots {
  /**
   * A slot for the partner (call the returned function to give it back), perhaps after a short
   * wait for one while the partner's receiver answers quickly; else, at the cap, how long to wait
   * for one in the queue: `soon` (it answers quickly: 1 to 3 s) or `later` (it does not).
   */
  take(partnerId: string): Promise<(() => void) | 'soon' | 'later'>;
  /** Remembers that the partner's deliveries wait until `until` (its endpoint's next probe). */
  pause(partnerId: string, until: Date): void;
  /** Until when the partner's deliveries wait, if they do. */
  pausedUntil(partnerId: string): Date | undefined;
  /** The partner's endpoint takes deliveries again (re-enabled, or found healthy): no more waiting. */
  resume(partnerId: string): void;
}

/** What webhook use cases need beyond the store. */
export interface WebhookDeps {
  queue: EventQueue;
  transport: WebhookTransport;
  webhookSettings: { retryScale: number };
  slots: DeliverySlots;
}

/** A partner that recorded events on a UTC day (YYYY-MM-DD): their removal falls due after retention. */
export interface RetentionDue {
  day: string;
  partnerId: string;
}

/**
 * The removal of expired events (src/domain/retention.ts): every commit that records events
 * notes its partner under the day, so the removal reads only what is due, never a partner's
 * whole data.
 */
export interface EventRetention {
  /** Partners with events recorded on days before `beforeDay`, oldest day first (at most `limit`). */
  due(beforeDay: string, limit: number): Promise<RetentionDue[]>;
  /** Removes up to `limit` of the partner's events of that day, with their delivery records and holds; returns how many. */
  purge(due: RetentionDue, limit: number): Promise<number>;
  /** Forgets a due row once its day is purged. */
  done(due: RetentionDue): Promise<void>;
}

/**
 * A relationship change the customer's side must follow (src/domain/customerSide.ts): carried by
 * the commit's announcement on the delivery queue (sent before the commit), so that the worker
 * completes it when the request could not (a crash, an outage).
 */
export interface RelationshipNote {
  partnerId: string;
  customerId: string;
  /** The change's number (Relationship.seq) and revision: the worker tells by them whether it was committed. */
  seq: number;
  rev: string;
  at: string;
  /** When the grant it leaves falls due (present while delegated admin is granted). */
  endsAt?: string | undefined;
  /** The change's audit events, recorded on the customer's side too. */
  events: AuditEvent[];
}

/** A grant that falls due at `endsAt` (possibly stale: the relationship is the truth). */
export interface DueGrant {
  partnerId: string;
  customerId: string;
  endsAt: string;
}

/**
 * The customer's side of relationships and the due grants: kept outside the partners' data
 * (a customer's relationships live in many partners' data; due grants are read across all).
 */
export interface CustomerLedger {
  /**
   * Writes one customer's copies (each unless the index already holds that change or a later one)
   * and records the events, in one commit when it can.
   */
  mirror(customerId: string, copies: CustomerRelationship[], events: AuditEvent[]): Promise<void>;
  /** Records grants that fall due (idempotent; a stale one is dropped by the job). */
  due(grants: DueGrant[]): Promise<void>;
  customerRelationship(customerId: string, partnerId: string): Promise<CustomerRelationship | undefined>;
  /** The customer's active relationships, by partner ID. */
  customerRelationships(customerId: string, page: PageRequest): Promise<Page<CustomerRelationship>>;
  /** The customer's own audit events, newest first. */
  customerAuditEvents(customerId: string, page: PageRequest): Promise<Page<AuditEvent>>;
  /** Grants due at or before `now` (by time bucket, oldest bucket first). */
  dueGrants(now: Date, limit: number): Promise<DueGrant[]>;
  clearDue(grant: DueGrant): Promise<void>;
}

/** The directory of enrolled partners. */
export interface PartnerDirectory {
  partner(id: string): Promise<Partner | undefined>;
  /** Only read here: partners are enrolled and changed through the store (savePartner, audited). */
}

export interface EmailMessage {
  /** Idempotency key: the same key is never sent twice by the email service. */
  operationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendOutcome =
  { status: 'sent'; operationId: string } | { status: 'failed'; operationId: string; error: string; retryable: boolean };

/** Sends email. Resolves once the email service has accepted (or refused) the message. */
export interface Mailer {
  send(message: EmailMessage): Promise<SendOutcome>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, props?: Record<string, unknown>): void;
  warn(message: string, props?: Record<string, unknown>): void;
  error(message: string, props?: Record<string, unknown>): void;
}

/** What the use cases are configured with. */
export interface Settings {
  /** The secret of invitation link tokens. */
  signingKey: string;
  invitationTtlDays: number;
  /** Distinct messages per invitation, and per partner per UTC day. */
  sendLimits: { perInvitation: number; perPartnerPerDay: number };
  /** The public URL of an invitation link's page. */
  acceptUrl(token: string): string;
  /** The public URL of the customer's own page (its partners, "Remove roles"). */
  customerPageUrl: string;
  /** The operator's Entra tenant (OPERATOR_TENANT_ID); without it the operator API is off. */
  operatorTenantId?: string | undefined;
}

/** The one shape every use case takes its dependencies in. */
export interface Deps {
  store: PartnerStore;
  directory: PartnerDirectory;
  /** The customers' side of relationships and the due delegated admin grants. */
  ledger: CustomerLedger;
  /** Due warnings before grants and invitations end (src/domain/endingSoon.ts). */
  warnings: WarningSchedule;
  /** Undefined when email is not configured: drafts only. */
  mailer: Mailer | undefined;
  clock: Clock;
  settings: Settings;
}
