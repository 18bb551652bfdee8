/**
 * An access request ("change request" in the code, to keep it apart from an invitation's
 * `access`): the partner asks the customer for other delegated admin roles or a new duration on
 * an active relationship. Its own aggregate, kept in the partner's data beside the relationship
 * and committed in the partner's one atomic commit (its port: src/domain/store/changeRequests.ts;
 * its use cases: changeRequests.ts, changeApproval.ts). This file holds its shape and pure rules.
 *
 * Its link works as an invitation's, with the customer's ID in it too (src/domain/tokens.ts).
 */
import type { Actor, DelegatedAccess, DelegatedAdmin, Locale } from './model';

export const CHANGE_REQUEST_STATUSES = ['pending', 'approved', 'declined', 'superseded', 'revoked', 'expired'] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

export interface ChangeRequest {
  id: string;
  partnerId: string;
  partnerName: string;
  customerId: string;
  companyName: string;
  /** Where the draft goes: the address the relationship's invitation was for ('' when unknown). */
  to: string;
  /** Stored status; a pending request past its expiry reads as expired. */
  status: ChangeRequestStatus;
  /** The random value the link's MAC covers. */
  nonce: string;
  locale: Locale;
  /** The grant when the request was made (no roles when it had expired). */
  current: { roles: string[]; endsAt: string; autoExtend: boolean };
  requested: DelegatedAccess;
  added: string[];
  removed: string[];
  kept: string[];
  /** The added roles the customer approved (set on approval). */
  approvedRoles?: string[];
  expiresAt: string;
  createdAt: string;
  createdBy: Actor;
  answeredAt?: string;
  answeredBy?: Actor;
  /** Revoked or superseded: when and by whom. */
  closedAt?: string;
  closedBy?: Actor;
  supersededBy?: string;
  email: { status: 'notSent' | 'sent' | 'failed'; sentAt?: string; operationId?: string; error?: string };
  /** The distinct messages sends of this request reserved (the per-request send count). */
  sendOperations?: string[];
}

export const isPending = (r: ChangeRequest, now: Date) => effectiveRequestStatus(r, now) === 'pending';

export function effectiveRequestStatus(r: ChangeRequest, now: Date): ChangeRequestStatus {
  return r.status === 'pending' && now.getTime() >= Date.parse(r.expiresAt) ? 'expired' : r.status;
}

/** What a request changes: the roles held now against the roles asked for (in the asked order). */
export function diffRoles(held: readonly string[], asked: readonly string[]): { added: string[]; removed: string[]; kept: string[] } {
  return {
    added: asked.filter((r) => !held.includes(r)),
    removed: held.filter((r) => !asked.includes(r)),
    kept: asked.filter((r) => held.includes(r)),
  };
}

/** The roles a grant holds now: none once it has expired. */
export const heldRoles = (grant: DelegatedAdmin): string[] => (grant.status === 'granted' ? [...grant.roles] : []);

/** The page of a request's link: under the customer's own page. */
export const requestUrl = (customerPageUrl: string, token: string) => `${customerPageUrl}/requests/${token}`;
