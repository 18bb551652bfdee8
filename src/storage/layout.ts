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
 *   snd|{YYYY-MM-DD}                        the partner's send counter of one UTC day
 *   idk|{sha256 of an Idempotency-Key}       a creation remembered under its key (24 h)
 *   aui|{invitationId}|{time}|{eventId}     an invitation's events, oldest first (key only: the
 *                                          acceptance mirrors them under its customer, `auc|`)
 *   ptn|record                              the operator's record of the partner (status included),
 *                                          committed with its audit events
 *   evt|{eventId}                           an event (the outbox and the feed; ids are time-ordered)
 *   dlv|{eventId}                           the delivery state of an event to the partner's webhook
 *   whk                                     the partner's webhook registration
 *   bdg|{name}                              a budget of the partner (test events, redeliveries)
 *   hld|{eventId}                           a delivery held (suspended partner, disabled endpoint)
 *
 * Two partitions of `data` are not a partner's: `directory` holds `ptl|{partnerId}`, the operator's
 * listing of partners (a copy of each record, written after its commit; see docs/decisions.md),
 * and `retention` holds `{YYYY-MM-DD}|{partnerId}`, the partners that recorded events on a day
 * (the purge of expired events reads only these; src/storage/retention.ts).
 *
 * The `partners` table holds the directory entries written before the operator API
 * (PartitionKey = partner ID, RowKey = `profile`): read only, when a partner has no record.
 * Every row that holds a record keeps it whole as JSON in `doc`; other properties exist only to
 * be filtered on by storage.
 */
import type { AuditEvent, Invitation, Partner, PartnerRecord, Relationship, Versioned } from '../domain/model';
import { foldName } from '../domain/model';
import type { RowData, StoredRow, WriteOp } from './rows';

export const INVITATION = 'inv|';
export const RELATIONSHIP = 'rel|';
export const NAME_INDEX = 'ixn|';
export const SEARCH_INDEX = 'ixq|';
export const AUDIT = 'aud|';
export const AUDIT_BY_CUSTOMER = 'auc|';
export const ACCEPTANCE_MARK = 'acc|';
export const SEND_COUNTER = 'snd|';
export const IDEMPOTENCY_KEY = 'idk|';
export const AUDIT_BY_INVITATION = 'aui|';
export const PARTNER_RECORD = 'ptn|record';
export const DIRECTORY_PARTITION = 'directory';
export const RETENTION_PARTITION = 'retention';
export const PARTNER_LISTING = 'ptl|';
export const EVENT = 'evt|';
export const DELIVERY = 'dlv|';
export const WEBHOOK = 'whk';
export const BUDGET = 'bdg|';
export const HELD = 'hld|';
export const eventKey = (id: string) => `${EVENT}${id}`;
export const budgetKey = (name: string) => `${BUDGET}${name}`;
export const heldKey = (eventId: string) => `${HELD}${eventId}`;
export const deliveryKey = (eventId: string) => `${DELIVERY}${eventId}`;

/** The end of a prefix range: every key starting with `prefix` is below it. */
export const prefixEnd = (prefix: string) => `${prefix}\uffff`;

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

// ---------------------------------------------------------------- records as rows

const docOf = <T>(row: StoredRow): T => JSON.parse(String(row.data.doc)) as T;
export const versioned = <T>(row: StoredRow): Versioned<T> => ({ value: docOf<T>(row), version: row.etag });

export const invitationKey = (id: string) => `${INVITATION}${id}`;
export const relationshipKey = (customerId: string) => `${RELATIONSHIP}${customerId}`;
export const acceptanceMarkKey = (invitationId: string) => `${ACCEPTANCE_MARK}${invitationId}`;
export const sendCounterKey = (day: string) => `${SEND_COUNTER}${day}`;
export const idempotencyKeyKey = (keyHash: string) => `${IDEMPOTENCY_KEY}${keyHash}`;

/**
 * Invitation and relationship rows written since the insight counters exist carry this
 * property: their state is in the counters (insightRows.ts). Older rows gain it from the backfill.
 */
export const COUNTED = 'ic';

/** A record read from a row, marked when its state is not in the insight counters yet. */
const countedOf = <T>(row: StoredRow): Versioned<T> => ({ ...versioned<T>(row), ...(row.data[COUNTED] === 1 ? {} : { uncounted: true }) });

export function invitationData(inv: Invitation): RowData {
  return {
    doc: JSON.stringify(inv),
    [COUNTED]: 1,
    status: inv.status,
    expiresAt: inv.expiresAt,
    ...(inv.providerStep ? { providerStep: inv.providerStep } : {}),
  };
}

export const invitationOf = (row: StoredRow): Versioned<Invitation> => countedOf<Invitation>(row);
export const relationshipOf = (row: StoredRow): Versioned<Relationship> => countedOf<Relationship>(row);
export const recordOf = <T>(row: StoredRow): T => docOf<T>(row);

/** The sort key of a relationship: folded company name, then customer ID. */
export const sortKey = (r: Pick<Relationship, 'companyName' | 'customerId'>) => `${nameKey(r.companyName)}${KEY_SEPARATOR}${r.customerId}`;

/**
 * A relationship's index rows: the name index (`ixn|`) and its search buckets (`ixq|`), each
 * under its status and under `all`, all carrying the relationship itself.
 */
export function indexRows(r: Relationship): Map<string, RowData> {
  const rows = new Map<string, RowData>();
  const sk = sortKey(r);
  const data = { doc: JSON.stringify(r), sk };
  // nf/df: the folded name and domain, compared server-side when the search is longer than a bucket.
  const searchable = { ...data, nf: foldName(r.companyName), df: r.domain ? foldName(r.domain) : '' };
  const terms = searchTerms(r.companyName, r.domain);
  for (const s of [r.status, 'all']) {
    rows.set(`${NAME_INDEX}${s}|${sk}`, data);
    for (const term of terms) rows.set(`${SEARCH_INDEX}${s}|${term}|${sk}`, searchable);
  }
  return rows;
}

/**
 * Writes that take a relationship from `before` (absent when new) to `after`, its index rows
 * included, guarded by the relationship row's etag.
 */
export function relationshipWrites(before: Versioned<Relationship> | undefined, after: Relationship): WriteOp[] {
  const rk = relationshipKey(after.customerId);
  const data = { doc: JSON.stringify(after), status: after.status, [COUNTED]: 1 };
  const ops: WriteOp[] = [before ? { kind: 'replace', rk, data, etag: before.version } : { kind: 'insert', rk, data }];
  const old = before ? indexRows(before.value) : new Map<string, RowData>();
  const next = indexRows(after);
  for (const key of old.keys()) if (!next.has(key)) ops.push({ kind: 'delete', rk: key });
  for (const [key, value] of next) ops.push({ kind: 'put', rk: key, data: value });
  return ops;
}

/** An audit event is written twice: in time order and under its customer. */
export function auditWrites(event: AuditEvent): WriteOp[] {
  const suffix = `${invertedTime(Date.parse(event.at))}|${event.id}`;
  const data = { doc: JSON.stringify(event), action: event.action };
  const ops: WriteOp[] = [{ kind: 'insert', rk: `${AUDIT}${suffix}`, data }];
  if (event.customerId) ops.push({ kind: 'insert', rk: `${AUDIT_BY_CUSTOMER}${event.customerId}|${suffix}`, data });
  if (event.invitationId) ops.push({ kind: 'insert', rk: invitationEventKey(event), data: { doc: data.doc } });
  return ops;
}

/** Milliseconds, fixed width: older sorts first. */
const forwardTime = (ms: number) => String(ms).padStart(13, '0');

export const invitationEventKey = (e: AuditEvent) =>
  `${AUDIT_BY_INVITATION}${e.invitationId ?? ''}|${forwardTime(Date.parse(e.at))}|${e.id}`;

/** An event already recorded, listed under a customer too (derived: safe to write again). */
export function auditMirrorWrite(event: AuditEvent, customerId: string): WriteOp {
  const rk = `${AUDIT_BY_CUSTOMER}${customerId}|${invertedTime(Date.parse(event.at))}|${event.id}`;
  return { kind: 'put', rk, data: { doc: JSON.stringify(event), action: event.action } };
}

// ---------------------------------------------------------------- the directory

export const PROFILE = 'profile';

export const partnerData = (p: Partner): RowData => ({
  name: p.name,
  kind: p.kind,
  indirectProviderIds: JSON.stringify(p.indirectProviderIds),
});

export const partnerRecordData = (p: PartnerRecord): RowData => ({ doc: JSON.stringify(p), status: p.status });
export const partnerListingKey = (id: string) => `${PARTNER_LISTING}${id}`;

/** A legacy entry of the `partners` table (before the operator API). */
export function partnerOf(row: StoredRow): Partner | undefined {
  const { name, kind, indirectProviderIds } = row.data;
  if (typeof name !== 'string' || (kind !== 'reseller' && kind !== 'indirectProvider')) return undefined;
  let ids: unknown = [];
  try {
    ids = JSON.parse(typeof indirectProviderIds === 'string' ? indirectProviderIds : '[]');
  } catch {
    ids = [];
  }
  return {
    id: row.pk,
    name,
    kind,
    indirectProviderIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
  };
}
