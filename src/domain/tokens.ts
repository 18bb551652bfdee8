/**
 * Invitation links and ids.
 *
 * An invitation link token is base64url( partnerId(16) | invitationId(16) | HMAC-SHA256(key,
 * "invitation-link:v1" | partnerId | invitationId | nonce)(32) ). The first 32 bytes only say
 * where to look; the 256-bit MAC is what makes the link unguessable. Nothing of the token is
 * stored: the invitation keeps a random nonce, so the link can be derived again for the inviting
 * partner while the invitation is pending, and a new nonce (or a new key) kills every old link.
 * The MAC is compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const newNonce = () => randomBytes(16).toString('base64url');

/**
 * A new invitation id: a UUID (version 8, RFC 9562 custom) whose first 48 bits are the
 * inverted creation time, so ids sort newest first; the other 74 bits are random.
 */
export function newInvitationId(now: Date): string {
  const b = randomBytes(16);
  b.writeUIntBE(0xffff_ffff_ffff - now.getTime(), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return bytesUuid(b);
}

function mac(key: string, partnerId: string, invitationId: string, nonce: string): Buffer {
  return createHmac('sha256', key).update(`invitation-link:v1|${partnerId}|${invitationId}|${nonce}`).digest();
}

export function makeLinkToken(key: string, partnerId: string, invitationId: string, nonce: string): string {
  return Buffer.concat([uuidBytes(partnerId), uuidBytes(invitationId), mac(key, partnerId, invitationId, nonce)]).toString('base64url');
}

export interface LinkRef {
  partnerId: string;
  invitationId: string;
  mac: Buffer;
}

/** Where a token points, or undefined when it cannot be one of ours. Says nothing about validity. */
export function parseLinkToken(token: string): LinkRef | undefined {
  if (!/^[A-Za-z0-9_-]{86}$/.test(token)) return undefined;
  const b = Buffer.from(token, 'base64url');
  if (b.length !== 64) return undefined;
  // 86 characters carry 516 bits for 512: the decoder ignores the last character's low 4 bits, so
  // 16 spellings would decode alike. Only the one we issue is a link.
  if (b.toString('base64url') !== token) return undefined;
  const partnerId = bytesUuid(b.subarray(0, 16));
  const invitationId = bytesUuid(b.subarray(16, 32));
  if (!UUID.test(partnerId) || !UUID.test(invitationId)) return undefined;
  return { partnerId, invitationId, mac: b.subarray(32) };
}

/** Constant-time check of a token's MAC against the invitation's nonce. */
export function linkTokenMatches(key: string, ref: LinkRef, nonce: string): boolean {
  const expected = mac(key, ref.partnerId, ref.invitationId, nonce);
  return ref.mac.length === expected.length && timingSafeEqual(ref.mac, expected);
}

// ---------------------------------------------------------------- access request links

/*
 * An access request's link (src/domain/changeRequest.ts) is built the same way, under its own
 * label and with the customer's ID too: base64url( partnerId(16) | customerId(16) | requestId(16)
 * | HMAC-SHA256(key, "access-request-link:v1" | ids | nonce)(32) ), 107 characters.
 */

const LABEL = 'access-request-link:v1';

function requestMac(key: string, partnerId: string, customerId: string, requestId: string, nonce: string): Buffer {
  return createHmac('sha256', key).update(`${LABEL}|${partnerId}|${customerId}|${requestId}|${nonce}`).digest();
}

export function makeRequestToken(key: string, r: { partnerId: string; customerId: string; id: string; nonce: string }): string {
  const ids = [r.partnerId, r.customerId, r.id].map(uuidBytes);
  return Buffer.concat([...ids, requestMac(key, r.partnerId, r.customerId, r.id, r.nonce)]).toString('base64url');
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
  const expected = requestMac(key, ref.partnerId, ref.customerId, ref.requestId, nonce);
  return ref.mac.length === expected.length && timingSafeEqual(ref.mac, expected);
}
