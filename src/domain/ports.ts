/**
 * The ports the use cases need, in the domain's words. Adapters (src/storage, src/email)
 * implement them; how rows, keys, index rows and cursors look is the adapters' business.
 */
import type {
  AuditEvent,
  CustomerRelationship,
  Invitation,
  InvitationStatus,
  Page,
  PageRequest,
  Partner,
  PartnerRecord,
  Relationship,
  RelationshipStatus,
  Versioned,
} from './model';
import type { CloudEvent } from './events';
import type { Delivery, DeliveryStatus, Webhook } from './webhooks';

/** One change of an atomic commit; every change of a commit belongs to one partner. */
export type Change =
  | { kind: 'createInvitation'; invitation: Invitation }
  /** Replaces the invitation only if it is still at `version`. */
  | { kind: 'updateInvitation'; invitation: Invitation; version: string }
  /** Creates the relationship (no `previous`) or replaces `previous` if it is unchanged. */
  | { kind: 'saveRelationship'; relationship: Relationship; previous?: Versioned<Relationship> | undefined }
  | { kind: 'recordAudit'; event: AuditEvent }
  /** Records that an invitation's step in this partner's data is applied: at most once. */
  | { kind: 'markAcceptanceStep'; invitationId: string; resellerId: string; at: string }
  /** Sets the partner's count of sends on a UTC day: creates it (no `version`) or replaces it if unchanged. */
  | { kind: 'countSends'; day: string; count: number; version?: string | undefined }
  /** Remembers a creation under its idempotency key: a new key, or replaces an expired record if unchanged. */
  | { kind: 'rememberCreation'; record: CreationRecord; version?: string | undefined }
  /** The partner's record (commit under the partner's own ID): created (no `version`) or replaced if still at `version`. */
  | { kind: 'savePartner'; partner: PartnerRecord; version?: string | undefined }
  /** Lists an already recorded event under a customer too (an invitation's events once its customer is known). */
  | { kind: 'mirrorAuditForCustomer'; event: AuditEvent; customerId: string }
  | EventChange;

/** A `POST /api/invitations` remembered under its Idempotency-Key (hashed): what it created and answered. */
export interface CreationRecord {
  /** SHA-256 (hex) of the key. */
  keyHash: string;
  /** SHA-256 (hex) of the request body, canonical JSON. */
  requestHash: string;
  invitationId: string;
  /** When the invitation was created (the record lapses 24 h later). */
  at: string;
  /** The invitation as first answered, once known (absent while a send of `send: true` is in flight). */
  answer?: Invitation | undefined;
}

/**
 * Events and webhooks (src/domain/events.ts, webhooks.ts). Every commit also records the events
 * of its audit events (the store applies `eventsOf`); `recordEvent` adds one of its own.
 */
export type EventChange =
  | { kind: 'recordEvent'; event: CloudEvent }
  /** Creates the registration (no `version`) or replaces it if it is still at `version`. */
  | { kind: 'saveWebhook'; webhook: Webhook; version?: string | undefined }
  | { kind: 'deleteWebhook' }
  /** Creates the delivery state of an event (no `version`) or replaces it if still at `version`. */
  | { kind: 'saveDelivery'; delivery: Delivery; version?: string | undefined };

export interface InvitationFilter {
  status: InvitationStatus | 'all';
  /** Pending invitations past their expiry count as expired from this moment. */
  now: Date;
}

export interface RelationshipFilter {
  status: RelationshipStatus | 'all';
  /** A prefix of the company name or the domain, already folded (see foldName). */
  search?: string | undefined;
}

/**
 * Partners' data. Each partner's data changes only through `commit`, which applies all its
 * changes or none (WriteConflict when a version no longer matches or a record already exists;
 * UnavailableError when storage cannot be reached). Listings cost what their page costs.
 */
export interface PartnerStore {
  invitation(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined>;
  relationship(partnerId: string, customerId: string): Promise<Versioned<Relationship> | undefined>;
  acceptanceStepDone(partnerId: string, invitationId: string): Promise<boolean>;
  /** Newest first. */
  invitations(partnerId: string, filter: InvitationFilter, page: PageRequest): Promise<Page<Invitation>>;
  /** By folded company name, then customer ID. */
  relationships(partnerId: string, filter: RelationshipFilter, page: PageRequest): Promise<Page<Relationship>>;
  /** Newest first. */
  auditEvents(partnerId: string, filter: { customerId?: string | undefined }, page: PageRequest): Promise<Page<AuditEvent>>;
  /** The partner's count of sends on a UTC day (YYYY-MM-DD), with the version guarding the next count. */
  sendsOn(partnerId: string, day: string): Promise<Versioned<number> | undefined>;
  /** The creation remembered under an idempotency key's hash, expired or not. */
  creationRecord(partnerId: string, keyHash: string): Promise<Versioned<CreationRecord> | undefined>;
  /** The audit events of one invitation, oldest first (at most `limit`). */
  invitationEvents(partnerId: string, invitationId: string, limit: number): Promise<AuditEvent[]>;
  /** The operator's record of a partner, with the version that guards its next change. */
  partnerRecord(partnerId: string): Promise<Versioned<PartnerRecord> | undefined>;
  /** Enrolled partners by ID: the operator's listing (see listPartner). */
  partnerList(page: PageRequest): Promise<Page<PartnerRecord>>;
  /**
   * Writes the listing entry of a committed record (derived, idempotent: written again on every
   * PUT, so a PUT retried after a failure here repairs it).
   */
  listPartner(partner: PartnerRecord): Promise<void>;
  /**
   * Returns the new version of each invitation or relationship change, in order (else undefined).
   * With `follow`, the commit's announcement also carries what the customers' side still owes
   * (`owed`), and is released only when `follow.hold`'s release is called.
   */
  commit(partnerId: string, changes: Change[], follow?: FollowUp): Promise<(string | undefined)[]>;
  /** Storage answers (for /api/health). */
  ping(): Promise<void>;
  event(partnerId: string, eventId: string): Promise<CloudEvent | undefined>;
  /** Oldest first, after the event `after` (exclusive), only events made before `settledBefore`. */
  events(partnerId: string, filter: { after?: string | undefined; settledBefore: Date }, page: PageRequest): Promise<Page<CloudEvent>>;
  webhook(partnerId: string): Promise<Versioned<Webhook> | undefined>;
  delivery(partnerId: string, eventId: string): Promise<Versioned<Delivery> | undefined>;
  /** Oldest event first. */
  deliveries(partnerId: string, filter: { status: DeliveryStatus | 'all' }, page: PageRequest): Promise<Page<Delivery>>;
}

/** A message of the delivery queue: these events of this partner are (or are about to be) committed. */
export interface EventMessage {
  partnerId: string;
  eventIds: string[];
  /** The attempt this message is for (1 when absent). */
  attempt?: number;
  /** The customers' side the commit owes (its relationship changes): the durable record of that work. */
  owed?: RelationshipNote[];
  /** Set when released by the request that committed: the commit is made and its customer step done. */
  settled?: boolean;
}

/** What a commit with relationship changes owes beyond itself, carried by its announcement. */
export interface FollowUp {
  owed: RelationshipNote[];
  /** Receives the announcement's release: `settled` tells the worker the customer step is done. */
  hold(release: (settled: boolean) => Promise<void>): void;
}

/** The delivery queue (Azure Storage Queues). Messages are delivered at least once. */
export interface EventQueue {
  /** Enqueues a message that becomes visible after `delaySeconds`; resolves with a handle to it. */
  send(message: EventMessage, delaySeconds: number): Promise<QueuedMessage>;
  /** Makes a message sent with a delay visible now (with new content, when given). */
  release(message: QueuedMessage, content?: EventMessage): Promise<void>;
  /** Removes a message (best effort). */
  withdraw(message: QueuedMessage): Promise<void>;
}

export interface QueuedMessage {
  messageId: string;
  popReceipt: string;
}

export interface WebhookResponse {
  /** Absent when no answer came (refused target, connection error, timeout). */
  status?: number;
  error?: string;
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
  /** Undefined when email is not configured: drafts only. */
  mailer: Mailer | undefined;
  clock: Clock;
  settings: Settings;
}
