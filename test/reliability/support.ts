/**
 * Shared tools of the reliability suite:
 *
 * - `Recorder`: every HTTP call of a test goes through it, so the suite can say how many requests
 *   it made, which statuses came back, the slowest answer, and every 5xx (there must be none,
 *   except 503 where a test takes storage away on purpose).
 * - `snapshot` + `violations`: read the partner partitions straight from storage (no API in
 *   between) and list every broken invariant of the storage design (docs/storage.md): an
 *   accepted invitation has one accepting tenant, no relationship exists without its accepted
 *   invitation (or, in a provider's partition, its `acc|` marker), index rows are exact copies in
 *   the right buckets with no orphans, and every change has exactly one audit event (plus its
 *   `auc|` mirror, its `aui|` copy under its invitation, and the answered invitation's earlier
 *   events mirrored under the customer); a partner's record has its enrolment event.
 * - `report`: one summary line per file, `[reliability] name: key=value ...`, copied into
 *   docs/reliability.md.
 */
import { ENDING, INSIGHTS } from '../../src/storage/insightRows';
import { performance } from 'node:perf_hooks';
import type { AuditEvent, Invitation, Relationship } from '../../src/domain/model';
import {
  ACCEPTANCE_MARK,
  DELIVERY,
  EVENT,
  WEBHOOK,
  AUDIT,
  AUDIT_BY_CUSTOMER,
  IDEMPOTENCY_KEY,
  AUDIT_BY_INVITATION,
  INVITATION,
  PARTNER_RECORD,
  invitationEventKey,
  NAME_INDEX,
  SEARCH_INDEX,
  SEND_COUNTER,
  RELATIONSHIP,
  indexRows as indexRowsOf,
  invertedTime,
  sortKey,
} from '../../src/storage/layout';
import type { Rows, StoredRow } from '../../src/storage/rows';
import { call, type CallOptions, type CallResult } from '../support/harness';

// ------------------------------------------------------------------ requests

export class Recorder {
  requests = 0;
  readonly statuses = new Map<number, number>();
  /** Every answer >= 500 that was not allowed: "METHOD path -> status body". */
  readonly serverErrors: string[] = [];
  maxMs = 0;

  constructor(
    private readonly svc: { url: string },
    /** Statuses >= 500 that are expected (503 in the outage tests). */
    private readonly allowed: number[] = [],
  ) {}

  async call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
    const t0 = performance.now();
    const r = await call<T>(this.svc, method, path, opts);
    this.note(method, path, r.status, r.text, performance.now() - t0);
    return r;
  }

  note(method: string, path: string, status: number, text: string, ms: number): void {
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.maxMs = Math.max(this.maxMs, ms);
    if (status >= 500 && !this.allowed.includes(status))
      this.serverErrors.push(`${method} ${path.slice(0, 200)} -> ${status} ${text.slice(0, 300)}`);
  }

  statusSummary(): string {
    return [...this.statuses.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}x${n}`)
      .join(',');
  }
}

/** Runs `tasks` with at most `width` in flight. */
export async function pool<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A problem document as the contract defines it (RFC 9457). */
export function problemShapeErrors(status: number, contentType: string | null, body: unknown): string[] {
  const errors: string[] = [];
  if (contentType !== 'application/problem+json') errors.push(`content-type ${contentType}`);
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object') return [...errors, 'body is not an object'];
  for (const k of ['type', 'title', 'detail'] as const) if (typeof b[k] !== 'string' || b[k] === '') errors.push(`${k} missing`);
  if (b.status !== status) errors.push(`status ${String(b.status)} != ${status}`);
  return errors;
}

export function report(name: string, figures: Record<string, string | number>): void {
  console.log(
    `[reliability] ${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}

// ------------------------------------------------------------------ storage invariants

export type Snapshot = Map<string, StoredRow[]>;

/** Every row of the given partner partitions of the `data` table, read directly. */
export async function snapshot(store: Rows, partnerIds: string[]): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  await Promise.all(
    [...new Set(partnerIds)].map(async (pk) => {
      snap.set(pk, await store.range('data', pk, { from: '', to: '\uffff', limit: 1_000_000 }));
    }),
  );
  return snap;
}

const parse = <T>(row: StoredRow): T => JSON.parse(String(row.data.doc)) as T;

/** The index rows a relationship must have, exactly (see relationships.ts / docs/storage.md). */
function expectedIndexKeys(r: Relationship): string[] {
  return [...indexRowsOf(r).keys()];
}

export interface InvariantFigures {
  rows: number;
  invitations: number;
  relationships: number;
  events: number;
}

/**
 * Every broken invariant of the given snapshot, as readable sentences (empty when all hold).
 * `figures` receives counts for the summary line.
 */
export function violations(snap: Snapshot, figures?: InvariantFigures): string[] {
  const out: string[] = [];
  const bad = (msg: string) => out.push(msg);
  // Invitations of every partition, by id (ids are unique UUIDs).
  const invitations = new Map<string, { pk: string; inv: Invitation }>();
  for (const [pk, rows] of snap) {
    for (const row of rows.filter((r) => r.rk.startsWith(INVITATION))) {
      const inv = parse<Invitation>(row);
      invitations.set(inv.id, { pk, inv });
    }
  }
  // Who accepted each invitation, as seen from any partition.
  const acceptors = new Map<string, Set<string>>();
  const noteAcceptor = (invitationId: string, customerId: string | undefined) => {
    if (!customerId) return;
    if (!acceptors.has(invitationId)) acceptors.set(invitationId, new Set());
    acceptors.get(invitationId)!.add(customerId);
  };

  for (const [pk, rows] of snap) {
    const where = (rk: string) => `[${pk.slice(0, 8)} ${rk.slice(0, 60)}]`;
    const byKey = new Map(rows.map((r) => [r.rk, r]));
    const invRows = rows.filter((r) => r.rk.startsWith(INVITATION));
    const relRows = rows.filter((r) => r.rk.startsWith(RELATIONSHIP));
    const indexRows = rows.filter((r) => r.rk.startsWith(NAME_INDEX) || r.rk.startsWith(SEARCH_INDEX));
    const audRows = rows.filter((r) => r.rk.startsWith(AUDIT));
    const aucRows = rows.filter((r) => r.rk.startsWith(AUDIT_BY_CUSTOMER));
    const marks = rows.filter((r) => r.rk.startsWith(ACCEPTANCE_MARK));
    const known = [
      INVITATION,
      RELATIONSHIP,
      NAME_INDEX,
      SEARCH_INDEX,
      AUDIT,
      AUDIT_BY_CUSTOMER,
      ACCEPTANCE_MARK,
      SEND_COUNTER,
      IDEMPOTENCY_KEY,
      AUDIT_BY_INVITATION,
      PARTNER_RECORD,
      EVENT,
      DELIVERY,
      WEBHOOK,
      INSIGHTS,
      ENDING,
    ];
    for (const r of rows) if (!known.some((p) => r.rk.startsWith(p))) bad(`${where(r.rk)} unknown row kind`);
    // An idempotency key is committed with its invitation: never a key without one.
    for (const r of rows.filter((x) => x.rk.startsWith(IDEMPOTENCY_KEY))) {
      const { invitationId } = JSON.parse(String(r.data.doc)) as { invitationId: string };
      if (!byKey.has(`${INVITATION}${invitationId}`)) bad(`${where(r.rk)} idempotency key without its invitation`);
    }
    // A day's send counter is a positive count.
    for (const r of rows.filter((x) => x.rk.startsWith(SEND_COUNTER))) {
      if (typeof r.data.count !== 'number' || r.data.count < 1) bad(`${where(r.rk)} send counter ${String(r.data.count)}`);
    }

    // The outbox: exactly one event per audit event, of its action (test events aside).
    const countBy = (values: string[]) => values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());
    const auditCounts = countBy(audRows.map((r) => String(r.data.action)));
    const eventCounts = countBy(
      rows.filter((r) => r.rk.startsWith(EVENT) && r.data.type !== 'test.created').map((r) => String(r.data.type)),
    );
    for (const action of new Set([...auditCounts.keys(), ...eventCounts.keys()])) {
      const a = auditCounts.get(action) ?? 0;
      const e = eventCounts.get(action) ?? 0;
      if (a !== e) bad(`[${pk.slice(0, 8)}] ${action}: ${a} audit events but ${e} outbox events`);
    }

    if (figures) {
      figures.rows += rows.length;
      figures.invitations += invRows.length;
      figures.relationships += relRows.length;
      figures.events += audRows.length;
    }

    // ---- audit rows and their by-customer mirror
    const events: AuditEvent[] = [];
    for (const row of audRows) {
      const e = parse<AuditEvent>(row);
      events.push(e);
      if (e.partnerId !== pk) bad(`${where(row.rk)} audit event of partner ${e.partnerId} in the wrong partition`);
      if (row.data.action !== e.action) bad(`${where(row.rk)} action column ${String(row.data.action)} != ${e.action}`);
      const suffix = `${invertedTime(Date.parse(e.at))}|${e.id}`;
      if (row.rk !== `${AUDIT}${suffix}`) bad(`${where(row.rk)} audit key does not match its event`);
      if (e.customerId) {
        const mirror = byKey.get(`${AUDIT_BY_CUSTOMER}${e.customerId}|${suffix}`);
        if (!mirror) bad(`${where(row.rk)} audit event ${e.action} has no auc| mirror`);
        else if (mirror.data.doc !== row.data.doc) bad(`${where(row.rk)} auc| mirror differs from the event`);
      }
      if (e.invitationId && byKey.get(invitationEventKey(e))?.data.doc !== row.data.doc)
        bad(`${where(row.rk)} audit event ${e.action} has no exact aui| copy`);
    }
    for (const row of rows.filter((r) => r.rk.startsWith(AUDIT_BY_INVITATION))) {
      const e = parse<AuditEvent>(row);
      if (row.rk !== invitationEventKey(e) || !byKey.has(`${AUDIT}${invertedTime(Date.parse(e.at))}|${e.id}`))
        bad(`${where(row.rk)} aui| row without its aud| event`);
    }
    for (const row of aucRows) {
      const e = parse<AuditEvent>(row);
      const twin = byKey.get(`${AUDIT}${invertedTime(Date.parse(e.at))}|${e.id}`);
      if (!twin || twin.data.doc !== row.data.doc) bad(`${where(row.rk)} auc| row without its aud| event`);
      // Under its own customer, or an event of an invitation that customer answered (mirrored then).
      const answeredBy = e.invitationId ? invitations.get(e.invitationId)?.inv.customerId : undefined;
      const customer = e.customerId ?? answeredBy;
      if (!customer || (!row.rk.startsWith(`${AUDIT_BY_CUSTOMER}${customer}|`) && !row.rk.startsWith(`${AUDIT_BY_CUSTOMER}${answeredBy}|`)))
        bad(`${where(row.rk)} auc| row under the wrong customer`);
    }
    // An answered invitation's events are all listed under its customer.
    for (const e of events) {
      const answeredBy = e.invitationId ? invitations.get(e.invitationId)?.inv.customerId : undefined;
      if (
        answeredBy &&
        invitations.get(e.invitationId!)?.pk === pk &&
        !byKey.has(`${AUDIT_BY_CUSTOMER}${answeredBy}|${invertedTime(Date.parse(e.at))}|${e.id}`)
      )
        bad(`${where(e.id)} ${e.action} of an answered invitation is not listed under its customer ${answeredBy.slice(0, 8)}`);
    }
    // A partner's record: in its own partition, enrolled once.
    const record = byKey.get(PARTNER_RECORD);
    if (record) {
      if (parse<{ id: string }>(record).id !== pk) bad(`${where(record.rk)} partner record of another partner`);
      const enrolled = events.filter((e) => e.action === 'partner.enrolled').length;
      if (enrolled !== 1) bad(`${where(record.rk)} partner.enrolled: ${enrolled} audit events, expected 1`);
    }
    const count = (action: string, pred: (e: AuditEvent) => boolean = () => true) =>
      events.filter((e) => e.action === action && pred(e)).length;

    // ---- invitations: one event per change, status fields coherent
    for (const row of invRows) {
      const inv = parse<Invitation>(row);
      const w = where(row.rk);
      if (inv.partnerId !== pk || row.rk !== `${INVITATION}${inv.id}`) bad(`${w} invitation in the wrong place`);
      if (row.data.status !== inv.status) bad(`${w} status column ${String(row.data.status)} != ${inv.status}`);
      const of = (e: AuditEvent) => e.invitationId === inv.id;
      const expect1 = (action: string, n: number) => {
        const c = count(action, of);
        if (c !== n) bad(`${w} ${action}: ${c} audit events, expected ${n} (status ${inv.status})`);
      };
      expect1('invitation.created', 1);
      expect1('invitation.accepted', inv.status === 'accepted' ? 1 : 0);
      expect1('invitation.declined', inv.status === 'declined' ? 1 : 0);
      expect1('invitation.revoked', inv.status === 'revoked' ? 1 : 0);
      expect1('invitation.expired', inv.status === 'expired' ? 1 : 0);
      if (inv.email.status === 'sent' && count('invitation.sent', of) < 1) bad(`${w} sent without an invitation.sent event`);
      if (inv.email.status !== 'sent' && count('invitation.sent', of) > 0) bad(`${w} invitation.sent event but email ${inv.email.status}`);
      if (inv.status === 'accepted') {
        if (!inv.customerId || !inv.acceptedAt || !inv.acceptedBy) bad(`${w} accepted without customer, time or actor`);
        if (inv.customer.tenantId && inv.customer.tenantId !== inv.customerId) bad(`${w} bound invitation accepted by another tenant`);
        const ev = events.find((e) => e.action === 'invitation.accepted' && of(e));
        if (ev && ev.customerId !== inv.customerId)
          bad(`${w} invitation.accepted names customer ${ev.customerId}, invitation says ${inv.customerId}`);
        noteAcceptor(inv.id, inv.customerId);
        // The reseller's relationship exists (it may have been removed since).
        if (!byKey.has(`${RELATIONSHIP}${inv.customerId}`)) bad(`${w} accepted but no relationship with ${inv.customerId}`);
        if (inv.indirectProviderId && inv.providerStep === 'done' && snap.has(inv.indirectProviderId)) {
          const provider = snap.get(inv.indirectProviderId)!;
          if (!provider.some((r) => r.rk === `${ACCEPTANCE_MARK}${inv.id}`))
            bad(`${w} providerStep done but no acc| marker in the provider's partition`);
        }
      } else if (inv.status === 'pending' && (inv.customerId || inv.acceptedAt)) bad(`${w} pending with a customer`);
    }
    // Invitation events name an invitation of this partition.
    for (const e of events.filter((x) => x.action.startsWith('invitation.'))) {
      if (!e.invitationId || invitations.get(e.invitationId)?.pk !== pk)
        bad(`[${pk.slice(0, 8)}] ${e.action} for an invitation not in this partition (${e.invitationId})`);
    }

    // ---- relationships, their index rows, their events
    const expectedIndex = new Set<string>();
    for (const row of relRows) {
      const rel = parse<Relationship>(row);
      const w = where(row.rk);
      if (rel.partnerId !== pk || row.rk !== `${RELATIONSHIP}${rel.customerId}`) bad(`${w} relationship in the wrong place`);
      if (row.data.status !== rel.status) bad(`${w} status column ${String(row.data.status)} != ${rel.status}`);
      if (rel.delegatedAdmin.status !== (rel.status === 'active' ? 'granted' : 'revoked'))
        bad(`${w} ${rel.status} with delegated admin ${rel.delegatedAdmin.status}`);
      if (rel.status === 'active' && rel.removedAt) bad(`${w} active but removedAt set`);
      if (rel.status === 'removed' && (!rel.removedAt || !rel.removedBy)) bad(`${w} removed without removedAt/removedBy`);
      noteAcceptor(rel.invitationId, rel.customerId);

      if (rel.invitationId !== 'seeded') {
        if (rel.role === 'reseller') {
          const inv = byKey.get(`${INVITATION}${rel.invitationId}`);
          const doc = inv ? parse<Invitation>(inv) : undefined;
          if (!doc || doc.status !== 'accepted' || doc.customerId !== rel.customerId) {
            bad(
              `${w} relationship without its accepted invitation ${rel.invitationId} (${doc ? `${doc.status} by ${doc.customerId}` : 'missing'})`,
            );
          }
        } else {
          if (!byKey.has(`${ACCEPTANCE_MARK}${rel.invitationId}`))
            bad(`${w} provider relationship without the acc| marker of ${rel.invitationId}`);
          const reseller = rel.resellerId ? snap.get(rel.resellerId) : undefined;
          if (reseller) {
            const inv = reseller.find((r) => r.rk === `${INVITATION}${rel.invitationId}`);
            const doc = inv ? parse<Invitation>(inv) : undefined;
            if (!doc || doc.status !== 'accepted' || doc.customerId !== rel.customerId || doc.indirectProviderId !== pk) {
              bad(`${w} provider relationship without its accepted combined invitation ${rel.invitationId}`);
            }
          }
        }
      }

      for (const key of expectedIndexKeys(rel)) {
        expectedIndex.add(key);
        const ix = byKey.get(key);
        if (!ix) bad(`${w} missing index row ${key.slice(0, 40)}…`);
        else {
          if (ix.data.doc !== row.data.doc) bad(`${w} index row ${key.slice(0, 40)}… holds another copy`);
          if (ix.data.sk !== sortKey(rel)) bad(`${w} index row ${key.slice(0, 40)}… has a wrong sort key`);
        }
      }

      // established - removed = 1 while active, 0 once removed; the newest establishment names its invitation.
      const mine = (e: AuditEvent) => e.customerId === rel.customerId;
      const est = events.filter((e) => e.action === 'relationship.established' && mine(e));
      const rem = count('relationship.removed', mine);
      if (rel.invitationId !== 'seeded') {
        if (est.length - rem !== (rel.status === 'active' ? 1 : 0))
          bad(`${w} ${est.length} established / ${rem} removed events for a ${rel.status} relationship`);
        const newest = [...est].sort((a, b) => b.at.localeCompare(a.at));
        if (newest[0] && (newest.length === 1 || newest[1]!.at !== newest[0].at) && newest[0].invitationId !== rel.invitationId) {
          bad(`${w} newest relationship.established names ${newest[0].invitationId}, relationship says ${rel.invitationId}`);
        }
      }
    }
    for (const row of indexRows) if (!expectedIndex.has(row.rk)) bad(`${where(row.rk)} orphan index row`);

    // Relationship events refer to an existing relationship and (for resellers) an accepted invitation of that customer.
    const perInvitation = new Map<string, number>();
    for (const e of events.filter((x) => x.action.startsWith('relationship.'))) {
      if (!e.customerId || !byKey.has(`${RELATIONSHIP}${e.customerId}`))
        bad(`[${pk.slice(0, 8)}] ${e.action} for a customer without a relationship row`);
      if (e.action !== 'relationship.established' || !e.invitationId || e.invitationId === 'seeded') continue;
      perInvitation.set(e.invitationId, (perInvitation.get(e.invitationId) ?? 0) + 1);
      noteAcceptor(e.invitationId, e.customerId);
      const inv = invitations.get(e.invitationId)?.inv;
      if (inv && (inv.status !== 'accepted' || inv.customerId !== e.customerId))
        bad(`[${pk.slice(0, 8)}] relationship.established by invitation ${e.invitationId} that is ${inv.status} by ${inv.customerId}`);
    }
    for (const [id, n] of perInvitation) if (n > 1) bad(`[${pk.slice(0, 8)}] invitation ${id} established ${n} times in one partition`);

    // ---- acceptance markers (provider partitions)
    for (const row of marks) {
      const invitationId = row.rk.slice(ACCEPTANCE_MARK.length);
      if (row.data.invitationId !== invitationId) bad(`${where(row.rk)} marker names another invitation`);
      const found = invitations.get(invitationId);
      if (found) {
        const inv = found.inv;
        if (inv.status !== 'accepted' || inv.indirectProviderId !== pk)
          bad(`${where(row.rk)} marker for an invitation that is ${inv.status} / not for this provider`);
        else if (!byKey.has(`${RELATIONSHIP}${inv.customerId}`)) bad(`${where(row.rk)} marker without the provider's relationship`);
      }
    }
  }

  for (const [id, tenants] of acceptors) {
    if (tenants.size > 1) bad(`invitation ${id} has ${tenants.size} accepting tenants: ${[...tenants].join(', ')}`);
    const inv = invitations.get(id)?.inv;
    if (inv && inv.customerId && !tenants.has(inv.customerId))
      bad(`invitation ${id}: relationships name another tenant than the invitation`);
  }
  return out;
}

/** Reads the partitions and returns the broken invariants (and adds to the figures). */
export async function checkStorage(store: Rows, partnerIds: string[], figures?: InvariantFigures): Promise<string[]> {
  return violations(await snapshot(store, partnerIds), figures);
}

export const newFigures = (): InvariantFigures => ({ rows: 0, invitations: 0, relationships: 0, events: 0 });
