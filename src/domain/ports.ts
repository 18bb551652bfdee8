/**
 * The ports the use cases need, in the domain's words. Adapters (src/storage, src/email)
 * implement them; how rows, keys, index rows and cursors look is the adapters' business.
 */
import type {
  AuditEvent,
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
  /** The partner's record (commit under the partner's own ID): created (no `version`) or replaced if still at `version`. */
  | { kind: 'savePartner'; partner: PartnerRecord; version?: string | undefined }
  /** Lists an already recorded event under a customer too (an invitation's events once its customer is known). */
  | { kind: 'mirrorAuditForCustomer'; event: AuditEvent; customerId: string };

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
  /** Accepted combined invitations whose provider step is not yet recorded as done (repair). */
  pendingProviderSteps(limit: number): Promise<Versioned<Invitation>[]>;
  /** Returns the new version of each invitation or relationship change, in order (else undefined). */
  commit(partnerId: string, changes: Change[]): Promise<(string | undefined)[]>;
  /** Storage answers (for /api/health). */
  ping(): Promise<void>;
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
  /** The public URL of an invitation link's page. */
  acceptUrl(token: string): string;
  /** The operator's Entra tenant (OPERATOR_TENANT_ID); without it the operator API is off. */
  operatorTenantId?: string | undefined;
}

/** The one shape every use case takes its dependencies in. */
export interface Deps {
  store: PartnerStore;
  directory: PartnerDirectory;
  /** Undefined when email is not configured: drafts only. */
  mailer: Mailer | undefined;
  clock: Clock;
  settings: Settings;
}
