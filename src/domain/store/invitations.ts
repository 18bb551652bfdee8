/** The invitations of a partner, its daily send counts and its remembered creations (Idempotency-Key). */
import type { Invitation, InvitationStatus, Page, PageRequest, Versioned } from '../model';

export type InvitationChange =
  | { kind: 'createInvitation'; invitation: Invitation }
  /** Replaces `previous` (as read) only if it is unchanged: the insight counters take its state away (src/domain/insightSteps.ts). */
  | { kind: 'updateInvitation'; invitation: Invitation; previous: Versioned<Invitation> }
  /** Sets the partner's count of sends on a UTC day: creates it (no `version`) or replaces it if unchanged. */
  | { kind: 'countSends'; day: string; count: number; version?: string | undefined }
  /** Remembers a creation under its idempotency key: a new key, or replaces an expired record if unchanged. */
  | { kind: 'rememberCreation'; record: CreationRecord; version?: string | undefined };

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

export interface InvitationFilter {
  status: InvitationStatus | 'all';
  /** Pending invitations past their expiry count as expired from this moment. */
  now: Date;
}

export interface InvitationStore {
  invitation(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined>;
  /** Newest first. */
  invitations(partnerId: string, filter: InvitationFilter, page: PageRequest): Promise<Page<Invitation>>;
  /** The partner's count of sends on a UTC day (YYYY-MM-DD), with the version guarding the next count. */
  sendsOn(partnerId: string, day: string): Promise<Versioned<number> | undefined>;
  /** The creation remembered under an idempotency key's hash, expired or not. */
  creationRecord(partnerId: string, keyHash: string): Promise<Versioned<CreationRecord> | undefined>;
}
