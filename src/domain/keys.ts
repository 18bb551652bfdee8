/**
 * The storage layout (see docs/storage.md). Everything a partner owns lives in ONE partition
 * of the `data` table, PartitionKey = partner ID, so that each state change and its index rows
 * and audit events commit in one entity group transaction:
 *
 *   inv|{invitationId}                     an invitation (ids sort newest first)
 *   rel|{customerId}                       a relationship
 *   ixn|{status}|{nameKey}!{customerId}     name index (status = active | removed | all)
 *   ixq|{status}|{term}|{nameKey}!{customerId}  search index: one row per 1- to 4-character
 *                                          prefix of the name and of the domain, in name order
 *   aud|{invertedTime}|{eventId}            audit event, newest first
 *   auc|{customerId}|{invertedTime}|{id}    the same event, by customer
 *   acc|{invitationId}                      marker: this invitation's step in THIS partition is applied
 */
export const INVITATION = 'inv|';
export const RELATIONSHIP = 'rel|';
export const NAME_INDEX = 'ixn|';
export const SEARCH_INDEX = 'ixq|';
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

/**
 * Search buckets hold the relationships whose name or domain starts with 1 to 4 given characters.
 * Four keeps a bucket small ("coho" and "cont" apart) for 16 index rows per relationship.
 */
export const SEARCH_BUCKET_CHARS = 4;

/** Hex of the UTF-8 bytes of a folded text's first `n` characters. */
export const hexPrefix = (folded: string, n: number) => Buffer.from([...folded].slice(0, n).join(''), 'utf8').toString('hex');

/** The search buckets of a name and a domain (distinct). */
export function searchTerms(name: string, domain: string | undefined): string[] {
  const terms = new Set<string>();
  for (const text of [foldName(name), domain ? foldName(domain) : '']) {
    for (let n = 1; n <= SEARCH_BUCKET_CHARS && n <= [...text].length; n++) terms.add(hexPrefix(text, n));
  }
  return [...terms];
}

/** '!' sorts below every hex digit, so "ab" + '!' comes before "abc". */
export const KEY_SEPARATOR = '!';

/** Milliseconds inverted so that newer sorts first, fixed width. */
export function invertedTime(ms: number): string {
  return String(9_999_999_999_999 - ms).padStart(13, '0');
}
