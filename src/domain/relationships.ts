/**
 * Relationships: the rows, their index rows (kept in step in the same commit), the listing by
 * name with prefix search, and removal with the good-faith attestation.
 *
 * ETags: a relationship's HTTP ETag is its revision (`rev`, new on every change), stored in
 * the relationship row and copied into its index rows, so a list page carries correct ETags
 * without a point read per item. Writes are still guarded by the table's own ETag.
 */
import { randomBytes } from 'node:crypto';
import type { RelationshipView } from '../api/schemas';
import { ATTESTATION_STATEMENT } from '../api/schemas';
import { auditEvent, auditOps, type AuditEvent } from './audit';
import { badRequest, notFound, preconditionFailed, WriteConflict } from './errors';
import {
  KEY_SEPARATOR,
  NAME_INDEX,
  RELATIONSHIP,
  SEARCH_BUCKET_CHARS,
  SEARCH_INDEX,
  foldName,
  hexPrefix,
  nameKey,
  prefixEnd,
  searchTerms,
} from './keys';
import { actorOf, type Actor, type Partner, type Principal } from './model';
import type { Clock, Condition, Store, StoredRow, WriteOp } from './ports';
import { decodeContinuation, encodeContinuation } from './tokens';

export interface Relationship {
  partnerId: string;
  customerId: string;
  companyName: string;
  domain?: string;
  role: 'reseller' | 'indirectProvider';
  status: 'active' | 'removed';
  indirectProviderId?: string;
  resellerId?: string;
  delegatedAdmin: { status: 'granted' | 'revoked'; grantedAt: string; revokedAt?: string };
  invitationId: string;
  establishedAt: string;
  removedAt?: string;
  removedBy?: Actor;
  removalReason?: string;
  rev: string;
}

export interface StoredRelationship {
  relationship: Relationship;
  /** The table ETag of the relationship row (guards writes). */
  tableEtag: string;
}

export const relationshipRowKey = (customerId: string) => `${RELATIONSHIP}${customerId}`;
export const newRev = () => randomBytes(12).toString('base64url');
export const httpEtag = (r: Relationship) => `"${r.rev}"`;

export function toView(r: Relationship): RelationshipView {
  const { rev: _rev, removalReason: _reason, ...rest } = r;
  return { ...rest, etag: httpEtag(r) };
}

const docOf = (row: StoredRow) => JSON.parse(String(row.data.doc)) as Relationship;

export async function loadRelationship(store: Store, partnerId: string, customerId: string): Promise<StoredRelationship | undefined> {
  const row = await store.get('data', partnerId, relationshipRowKey(customerId));
  return row ? { relationship: docOf(row), tableEtag: row.etag } : undefined;
}

/** The sort key of a relationship: folded company name, then customer ID. */
export const sortKey = (r: Pick<Relationship, 'companyName' | 'customerId'>) => `${nameKey(r.companyName)}${KEY_SEPARATOR}${r.customerId}`;

/**
 * A relationship's index rows: the name index (`ixn|`) and its search buckets (`ixq|`), each
 * under its status and under `all`, all carrying the relationship itself.
 */
export function indexRows(r: Relationship): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
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
 * included, guarded by the relationship row's table ETag.
 */
export function relationshipOps(before: StoredRelationship | undefined, after: Relationship): WriteOp[] {
  const rk = relationshipRowKey(after.customerId);
  const data = { doc: JSON.stringify(after), status: after.status };
  const ops: WriteOp[] = [before ? { kind: 'replace', rk, data, etag: before.tableEtag } : { kind: 'insert', rk, data }];
  const old = before ? indexRows(before.relationship) : new Map<string, Record<string, string>>();
  const next = indexRows(after);
  for (const key of old.keys()) if (!next.has(key)) ops.push({ kind: 'delete', rk: key });
  for (const [key, value] of next) ops.push({ kind: 'put', rk: key, data: value });
  return ops;
}

export interface EstablishInput {
  partnerId: string;
  customerId: string;
  companyName: string;
  domain?: string | undefined;
  role: Relationship['role'];
  indirectProviderId?: string | undefined;
  resellerId?: string | undefined;
  invitationId: string;
  actor: Actor;
}

/**
 * The relationship an acceptance leads to, and its writes: a new one, a removed one made
 * active again (delegated admin granted again, a new establishedAt), or an active one left as
 * it is (no writes).
 */
export function establish(
  before: StoredRelationship | undefined,
  input: EstablishInput,
  now: Date,
): { relationship: Relationship; ops: WriteOp[]; events: AuditEvent[] } {
  if (before?.relationship.status === 'active') return { relationship: before.relationship, ops: [], events: [] };
  const at = now.toISOString();
  const relationship: Relationship = {
    partnerId: input.partnerId,
    customerId: input.customerId,
    companyName: input.companyName,
    ...(input.domain ? { domain: input.domain } : {}),
    role: input.role,
    status: 'active',
    ...(input.indirectProviderId ? { indirectProviderId: input.indirectProviderId } : {}),
    ...(input.resellerId ? { resellerId: input.resellerId } : {}),
    delegatedAdmin: { status: 'granted', grantedAt: at },
    invitationId: input.invitationId,
    establishedAt: at,
    rev: newRev(),
  };
  const event = auditEvent(input.partnerId, 'relationship.established', input.actor, now, {
    customerId: input.customerId,
    invitationId: input.invitationId,
    details: { role: input.role, delegatedAdmin: 'granted', reactivated: before !== undefined },
  });
  return { relationship, ops: [...relationshipOps(before, relationship), ...auditOps(event)], events: [event] };
}

// ---------------------------------------------------------------- listing

export interface ListQuery {
  status: 'active' | 'removed' | 'all';
  q?: string | undefined;
  pageSize: number;
  continuationToken?: string | undefined;
}

export async function listRelationships(
  deps: { store: Store; signingKey: string },
  partner: Partner,
  query: ListQuery,
): Promise<{ items: RelationshipView[]; continuationToken?: string }> {
  const q = query.q ? foldName(query.q) : '';
  const scope = `relationships|${partner.id}|${query.status}|${q}`;
  const after = decodeContinuation(deps.signingKey, scope, query.continuationToken);

  // Without q: the name index. With q: the bucket of its first characters, in name order; when q
  // is longer than a bucket, storage keeps the rows whose folded name or domain starts with q.
  const chars = [...q].length;
  const prefix = q ? `${SEARCH_INDEX}${query.status}|${hexPrefix(q, SEARCH_BUCKET_CHARS)}|` : `${NAME_INDEX}${query.status}|`;
  const startsWithQ = (prop: string): Condition[] => [
    { prop, op: 'ge', value: q },
    { prop, op: 'lt', value: `${q}\uffff` },
  ];
  const rows = await deps.store.range('data', partner.id, {
    from: after ? `${prefix}${after}\u0000` : prefix,
    to: prefixEnd(prefix),
    ...(chars > SEARCH_BUCKET_CHARS ? { anyOf: [startsWithQ('nf'), startsWithQ('df')] } : {}),
    limit: query.pageSize + 1,
  });
  const page = rows.slice(0, query.pageSize);
  const items = page.map((r) => toView(docOf(r)));
  const last = page.at(-1);
  return rows.length > query.pageSize && last
    ? { items, continuationToken: encodeContinuation(deps.signingKey, scope, String(last.data.sk)) }
    : { items };
}

export async function getRelationship(store: Store, partner: Partner, customerId: string): Promise<RelationshipView> {
  const found = await loadRelationship(store, partner.id, customerId);
  if (!found) throw notFound(`No relationship with customer ${customerId}.`);
  return toView(found.relationship);
}

// ---------------------------------------------------------------- removal

export const REMOVAL_NOTICE =
  'No notice was sent to the customer. Your agreement with the customer may require you to tell them that the relationship and your delegated admin privileges have ended.';

/** The etags an If-Match header lists (quotes optional), or '*'. */
function ifMatchTags(header: string | null): string[] | '*' | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

export async function removeRelationship(
  deps: { store: Store; clock: Clock },
  partner: Partner,
  principal: Principal,
  customerId: string,
  body: { attestGoodFaith?: unknown; reason?: string | undefined },
  ifMatch: string | null,
): Promise<RelationshipView & { notice: string }> {
  if (body.attestGoodFaith !== true) {
    throw badRequest(
      `Attest the removal: ${ATTESTATION_STATEMENT}`,
      { attestGoodFaith: [`must be true: ${ATTESTATION_STATEMENT}`] },
      'attestation-required',
    );
  }
  const tags = ifMatchTags(ifMatch);
  for (let attempt = 0; ; attempt++) {
    const current = await loadRelationship(deps.store, partner.id, customerId);
    if (!current) throw notFound(`No relationship with customer ${customerId}.`);
    const r = current.relationship;
    // Removing again returns it as it is, whatever the If-Match: a retried removal succeeds.
    if (r.status === 'removed') return { ...toView(r), notice: REMOVAL_NOTICE };
    if (tags && tags !== '*' && !tags.includes(r.rev)) {
      throw preconditionFailed(`The relationship has changed (its ETag is now ${httpEtag(r)}); read it again before removing it.`);
    }
    const now = deps.clock.now();
    const at = now.toISOString();
    const actor = actorOf(principal);
    const removed: Relationship = {
      ...r,
      status: 'removed',
      delegatedAdmin: { ...r.delegatedAdmin, status: 'revoked', revokedAt: at },
      removedAt: at,
      removedBy: actor,
      ...(body.reason ? { removalReason: body.reason } : {}),
      rev: newRev(),
    };
    const event = auditEvent(partner.id, 'relationship.removed', actor, now, {
      customerId,
      invitationId: r.invitationId,
      details: {
        attestation: ATTESTATION_STATEMENT,
        ...(body.reason ? { reason: body.reason } : {}),
        delegatedAdmin: 'revoked',
        customerNotified: false,
      },
    });
    try {
      await deps.store.commit('data', partner.id, [...relationshipOps(current, removed), ...auditOps(event)]);
      return { ...toView(removed), notice: REMOVAL_NOTICE };
    } catch (err) {
      // Someone changed it meanwhile: read again (an If-Match will then decide), a few times.
      if (!(err instanceof WriteConflict) || attempt >= 4) throw err;
    }
  }
}
