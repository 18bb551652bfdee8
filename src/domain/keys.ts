/**
 * The storage layout (see docs/storage.md). Everything a partner owns lives in ONE partition
 * of the `data` table, PartitionKey = partner ID, so that each state change and its index rows
 * and audit events commit in one entity group transaction:
 *
 *   inv|{invitationId}                     an invitation (ids sort newest first)
 *   rel|{customerId}                       a relationship
 *   ixn|{status}|{nameKey}!{customerId}     name index (status = active | removed | all)
 *   ixd|{status}|{domain}!{customerId}      domain index, for prefix search by domain
 *   aud|{invertedTime}|{eventId}            audit event, newest first
 *   auc|{customerId}|{invertedTime}|{id}    the same event, by customer
 *   acc|{invitationId}                      marker: this invitation's step in THIS partition is applied
 */
export const INVITATION = 'inv|';
export const RELATIONSHIP = 'rel|';
export const NAME_INDEX = 'ixn|';
export const DOMAIN_INDEX = 'ixd|';
export const AUDIT = 'aud|';
export const AUDIT_BY_CUSTOMER = 'auc|';
export const ACCEPTANCE_MARK = 'acc|';

/** The end of a prefix range: every key starting with `prefix` is below it. */
export const prefixEnd = (prefix: string) => `${prefix}\uffff`;

/** Ordering and search fold case and accents: "Álvarez" sorts and matches as "alvarez". */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Names are compared on their first 64 folded characters (row keys are limited in size). */
export const NAME_KEY_CHARS = 64;

/**
 * Hex of the UTF-8 bytes: safe in a row key whatever the name holds, and it keeps both the
 * order and the prefixes of the folded name.
 */
export function nameKey(name: string): string {
  return Buffer.from([...foldName(name)].slice(0, NAME_KEY_CHARS).join(''), 'utf8').toString('hex');
}

/** '!' sorts below every hex digit, so "ab" + '!' comes before "abc". */
export const KEY_SEPARATOR = '!';

/** Milliseconds inverted so that newer sorts first, fixed width. */
export function invertedTime(ms: number): string {
  return String(9_999_999_999_999 - ms).padStart(13, '0');
}
