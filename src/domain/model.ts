/**
 * The domain's own types and vocabularies: no SDK, no HTTP, no storage layout. The API's zod
 * schemas (src/api/schemas.ts) are built from the enums declared here.
 */

export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const PARTNER_KINDS = ['reseller', 'indirectProvider'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const PARTNER_STATUSES = ['active', 'suspended'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const INVITATION_KINDS = ['reseller', 'resellerAndIndirectProvider'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const EMAIL_STATUSES = ['notSent', 'sent', 'failed'] as const;

/** A bulk invitation holds 1 to this many rows (src/domain/batch.ts). */
export const BATCH_MAX_ROWS = 500;
export const BATCH_ROW_STATUSES = ['valid', 'created', 'failed', 'duplicate'] as const;
export type BatchRowStatus = (typeof BATCH_ROW_STATUSES)[number];
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const RELATIONSHIP_STATUSES = ['active', 'removed'] as const;
export type RelationshipStatus = (typeof RELATIONSHIP_STATUSES)[number];

export const RELATIONSHIP_ROLES = ['reseller', 'indirectProvider'] as const;
export type RelationshipRole = (typeof RELATIONSHIP_ROLES)[number];

export const DELEGATED_ADMIN_STATUSES = ['granted', 'revoked', 'expired'] as const;
export type DelegatedAdminStatus = (typeof DELEGATED_ADMIN_STATUSES)[number];

export const DECISIONS = ['accept', 'decline'] as const;
export type Decision = (typeof DECISIONS)[number];

import type { WebhookHealth } from './circuit';
import type { AuditAction, WarningEventType } from './eventTypes';

export { AUDIT_ACTIONS, type AuditAction } from './eventTypes';

/** A budget's count within a window that started at `start` (src/domain/budgets.ts). */
export interface Spent {
  start: string;
  count: number;
}

export type Role = 'GlobalAdmin' | 'AdminAgent' | 'Operator';

/** Who is calling, as App Service Authentication vouches for it. */
export interface Principal {
  tenantId: string;
  userId: string;
  name: string;
  roles: string[];
}

export interface Partner {
  id: string;
  name: string;
  kind: PartnerKind;
  indirectProviderIds: string[];
  /** Absent on entries written before the operator API: active. */
  status?: PartnerStatus;
}

/** The operator's record of an enrolled partner (kept in the partner's own data). */
export interface PartnerRecord extends Partner {
  status: PartnerStatus;
  enrolledAt: string;
  updatedAt: string;
  updatedBy: Actor;
}

export interface Actor {
  id: string;
  name: string;
  tenantId: string;
}

export const actorOf = (p: Principal): Actor => ({ id: p.userId, name: p.name, tenantId: p.tenantId });
export const systemActor = (tenantId: string): Actor => ({ id: 'system', name: 'system', tenantId });

/** Partner-side actions need one of these roles. */
export const PARTNER_ROLES: readonly Role[] = ['GlobalAdmin', 'AdminAgent'];
/** The operator API needs this role, held in the operator's own tenant (OPERATOR_TENANT_ID). */
export const OPERATOR_ROLE: Role = 'Operator';
/** Customer-side acceptance needs this role. */
export const CUSTOMER_ADMIN_ROLE: Role = 'GlobalAdmin';

export const hasAnyRole = (p: Principal, roles: readonly string[]): boolean => p.roles.some((r) => roles.includes(r));

export interface Invitation {
  id: string;
  partnerId: string;
  partnerName: string;
  kind: InvitationKind;
  indirectProviderId?: string;
  providerName?: string;
  customer: { tenantId?: string; companyName: string; domain?: string; email: string };
  /** Stored status; a pending invitation past its expiry reads as expired. */
  status: InvitationStatus;
  /** The random value the link's MAC covers: a new nonce kills every old link. */
  nonce: string;
  expiresAt: string;
  locale: Locale;
  email: { status: EmailStatus; sentAt?: string; operationId?: string; error?: string };
  /** The distinct messages (email operation IDs) sends of this invitation have reserved: the per-invitation send count. */
  sendOperations?: string[];
  createdAt: string;
  createdBy: Actor;
  acceptedAt?: string;
  acceptedBy?: Actor;
  customerId?: string;
  closedAt?: string;
  closedBy?: Actor;
  /** Invitations accepted before the provider's step was driven by the acceptance's event: whether it was written. */
  providerStep?: 'pending' | 'done';
  /** Its audit events so far (created, sent), listed under the customer by the answer; stored, never shown. */
  history?: AuditEvent[];
  /** The delegated admin roles asked for (absent on invitations made before roles existed: the defaults). */
  access?: DelegatedAccess;
  /** A reminder email 3 days before expiry, if its draft was sent through the service (src/domain/reminders.ts). */
  reminder?: boolean;
}

/** What an invitation asks the customer to grant: Entra role template IDs, for a number of days. */
export interface DelegatedAccess {
  roles: string[];
  /** ISO 8601 days, P1D..P730D. */
  duration: string;
  /** Extend by 180 days at the end, until the customer or the partner ends it (never with Global Administrator). */
  autoExtend: boolean;
}

export const DELEGATED_ADMIN_PARTIES = ['partner', 'customer'] as const;
export type DelegatedAdminParty = (typeof DELEGATED_ADMIN_PARTIES)[number];

export interface DelegatedAdmin {
  status: DelegatedAdminStatus;
  roles: string[];
  grantedAt: string;
  endsAt: string;
  autoExtend: boolean;
  revokedAt?: string;
  /** Who ended it early: the partner's user or the customer's admin. */
  revokedBy?: Actor & { party: DelegatedAdminParty };
  expiredAt?: string;
}

export interface Relationship {
  partnerId: string;
  customerId: string;
  companyName: string;
  domain?: string;
  role: RelationshipRole;
  status: RelationshipStatus;
  indirectProviderId?: string;
  resellerId?: string;
  delegatedAdmin: DelegatedAdmin;
  invitationId: string;
  establishedAt: string;
  removedAt?: string;
  removedBy?: Actor;
  removalReason?: string;
  /** The revision: new on every change; what the API's ETag and If-Match compare. */
  rev: string;
  /** Counts the changes: the customer's index keeps the highest it has seen (src/domain/customerSide.ts). */
  seq?: number;
}

/**
 * A relationship as its customer sees it (the customer's index, src/domain/customerSide.ts): no
 * partner-internal fields (who on the partner's side did what, removal reasons, revisions).
 */
export interface CustomerRelationship {
  partnerId: string;
  partnerName: string;
  customerId: string;
  role: RelationshipRole;
  resellerId?: string;
  status: RelationshipStatus;
  delegatedAdmin: Omit<DelegatedAdmin, 'revokedBy'> & { revokedBy?: DelegatedAdminParty };
  establishedAt: string;
  removedAt?: string;
  /** The partner's change this copy reflects (copies only move forward). */
  seq: number;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  partnerId: string;
  customerId?: string;
  invitationId?: string;
  details: Record<string, unknown>;
}

/** Event types: every audit action, and the webhook test event. */
export type EventType = AuditAction | WarningEventType | 'test.created';

/** An event (the outbox, src/domain/events.ts): a CloudEvent 1.0 in its structured JSON form. */
export interface CloudEvent {
  specversion: '1.0';
  /** Time-ordered (see newEventId): a partner's events sort by id in the order they were written. */
  id: string;
  /** `/partners/{partnerId}` */
  source: string;
  type: EventType;
  /** `invitations/{id}` or `relationships/{customerId}` */
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** The resource after the change. */
  data: Record<string, unknown>;
}

/** A partner's webhook registration (src/domain/webhooks.ts). */
export interface Webhook {
  partnerId: string;
  url: string;
  /** Event types delivered, or ['*'] for all. */
  events: string[];
  enabled: boolean;
  /** `whsec_<base64 key>` */
  secret: string;
  /** Secrets replaced by rotations: each keeps signing until its `expiresAt` (24 h after it was replaced). */
  previousSecrets?: RetiredSecret[];
  /** Before several could sign at once: the one secret replaced last. */
  previousSecret?: string;
  previousSecretExpiresAt?: string;
  /** The endpoint's circuit (src/domain/circuit.ts; absent: healthy). */
  health?: WebhookHealth;
  createdAt: string;
  updatedAt: string;
}

export interface RetiredSecret {
  secret: string;
  expiresAt: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The delivery state of one event to the partner's webhook (src/domain/delivery.ts). */
export interface Delivery {
  eventId: string;
  type: EventType;
  status: DeliveryStatus;
  /** Attempts made so far (all rounds). */
  attempts: number;
  /** `attempts` when the current round (the first, or a redelivery) began. */
  roundStart: number;
  roundStartedAt?: string;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  /** The first bytes of the receiver's last answer. */
  lastResponse?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  /** While an attempt is being made: when it was claimed (its outcome is not recorded yet). */
  claimedAt?: string;
  /** Held (the partner suspended, or the endpoint disabled) until a release. */
  held?: boolean;
  /** Redeliveries of this event in the current window (a budget). */
  redeliveries?: Spent;
}

/** Something the store holds, with the version that guards the next write of it. */
export interface Versioned<T> {
  value: T;
  version: string;
  /** Set by the store on a record written before the insight counters, until the backfill counts it. */
  uncounted?: true;
}

/** One page of a listing; `cursor` (opaque) continues it, absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PageRequest {
  pageSize: number;
  cursor?: string | undefined;
}

/** Ordering and search fold case and accents: "Álvarez" sorts and matches as "alvarez". */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
