/**
 * An access request ("change request" in the code, to keep it apart from an invitation's
 * `access`): the partner asks the customer for other delegated admin roles or a new duration on
 * an active relationship. Its own aggregate, kept in the partner's data beside the relationship
 * and committed in the partner's one atomic commit (its port: src/domain/store/changeRequests.ts;
 * its use cases: changeRequests.ts, changeApproval.ts). This file holds its shape and pure rules.
 *
 * Its link works as an invitation's (src/domain/tokens.ts): base64url( partnerId(16) |
 * customerId(16) | requestId(16) | HMAC-SHA256(key, "access-request-link:v1" | ids | nonce)(32) ).
 * Nothing of the token is stored; a new nonce or key kills every old link; compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Actor, DelegatedAccess, DelegatedAdmin, Locale } from './model';
import { bytesUuid, UUID, uuidBytes } from './tokens';

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

// ---------------------------------------------------------------- the link

const LABEL = 'access-request-link:v1';

function mac(key: string, partnerId: string, customerId: string, requestId: string, nonce: string): Buffer {
  return createHmac('sha256', key).update(`${LABEL}|${partnerId}|${customerId}|${requestId}|${nonce}`).digest();
}

export function makeRequestToken(key: string, r: Pick<ChangeRequest, 'partnerId' | 'customerId' | 'id' | 'nonce'>): string {
  const ids = [r.partnerId, r.customerId, r.id].map(uuidBytes);
  return Buffer.concat([...ids, mac(key, r.partnerId, r.customerId, r.id, r.nonce)]).toString('base64url');
}

export interface RequestRef {
  partnerId: string;
  customerId: string;
  requestId: string;
  mac: Buffer;
}

/** Where a token points, or undefined when it cannot be one of ours. Says nothing about validity. */
export function parseRequestToken(token: string): RequestRef | undefined {
  if (!/^[A-Za-z0-9_-]{107}$/.test(token)) return undefined;
  const b = Buffer.from(token, 'base64url');
  // Only the one spelling we issue (the last character's spare bits) is a link.
  if (b.length !== 80 || b.toString('base64url') !== token) return undefined;
  const [partnerId, customerId, requestId] = [0, 16, 32].map((at) => bytesUuid(b.subarray(at, at + 16))) as [string, string, string];
  if (![partnerId, customerId, requestId].every((id) => UUID.test(id))) return undefined;
  return { partnerId, customerId, requestId, mac: b.subarray(48) };
}

export function requestTokenMatches(key: string, ref: RequestRef, nonce: string): boolean {
  const expected = mac(key, ref.partnerId, ref.customerId, ref.requestId, nonce);
  return ref.mac.length === expected.length && timingSafeEqual(ref.mac, expected);
}

/** The page of a request's link: under the customer's own page. */
export const requestUrl = (customerPageUrl: string, token: string) => `${customerPageUrl}/requests/${token}`;
