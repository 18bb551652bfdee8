/**
 * The CustomerLedger over rows (see docs/storage.md, "The customer's index and the due index").
 * Both live in the `data` table, in partitions no partner ID can take (partner IDs are UUIDs):
 *
 *   customer|{customerId}        rel|{partnerId}                      the customer's copy of a relationship
 *                                aud|{invertedTime}|{eventId}          the customer's audit events
 *   due|{shard}                  {endsAt}|{partnerId}|{customerId}     a grant that falls due at endsAt, in
 *                                                                      one of DUE_SHARDS (by partner)
 *   jobs|delegated-admin         due|{endsAt}|{partnerId}|{customerId} due rows of the earlier layout (read
 *                                                                      and cleared, never written)
 *
 * No partition takes every partner's changes: a due row goes to its partner's shard. The job
 * reads each shard by key range up to now: only what has fallen due.
 */
import { createHash } from 'node:crypto';
import { WriteConflict } from '../domain/errors';
import type { AuditEvent, CustomerRelationship, Page, PageRequest } from '../domain/model';
import type { CustomerLedger, DueGrant } from '../domain/ports';
import { decodeCursor, encodeCursor } from './cursor';
import { invertedTime, prefixEnd } from './layout';
import type { Rows, StoredRow, WriteOp } from './rows';

/** The due rows of the layout before the shards: still read (and cleared) until none is left. */
export const LEGACY_JOBS_PARTITION = 'jobs|delegated-admin';
export const customerPartition = (customerId: string) => `customer|${customerId}`;
export const CUSTOMER_RELATIONSHIP = 'rel|';
export const CUSTOMER_AUDIT = 'aud|';
const LEGACY_DUE = 'due|';

/** Partitions per month of due rows: each takes 1/DUE_SHARDS of the partners. */
export const DUE_SHARDS = 16;
const shardOf = (partnerId: string) => createHash('sha256').update(partnerId).digest().readUInt16BE(0) % DUE_SHARDS;
export const duePartition = (shard: number) => `due|${String(shard).padStart(2, '0')}`;
export const dueKey = (d: DueGrant) => `${d.endsAt}|${d.partnerId}|${d.customerId}`;
const dueRow = (d: DueGrant) => ({ pk: duePartition(shardOf(d.partnerId)), rk: dueKey(d) });

const doc = <T>(row: StoredRow): T => JSON.parse(String(row.data.doc)) as T;

export class RowCustomerLedger implements CustomerLedger {
  constructor(
    readonly rows: Rows,
    private readonly cursorKey: string,
  ) {}

  /** Due rows of the earlier layout this instance has read: cleared where they are. */
  private readonly legacy = new Set<string>();

  async due(grants: DueGrant[]): Promise<void> {
    const byPartition = new Map<string, WriteOp[]>();
    for (const g of grants) {
      const { pk, rk } = dueRow(g);
      byPartition.set(pk, [...(byPartition.get(pk) ?? []), { kind: 'put', rk, data: { doc: JSON.stringify(g) } }]);
    }
    await Promise.all([...byPartition].map(([pk, ops]) => this.rows.commit('data', pk, ops)));
  }

  /**
   * A copy of a change numbered 1 (a new relationship) is inserted at once (one round trip); when
   * the row exists, or for later changes, the copy is read and replaced only if it is older.
   */
  async mirror(customerId: string, copies: CustomerRelationship[], events: AuditEvent[]): Promise<void> {
    const pk = customerPartition(customerId);
    const audit: WriteOp[] = events.map((e) => ({
      kind: 'put',
      rk: `${CUSTOMER_AUDIT}${invertedTime(Date.parse(e.at))}|${e.id}`,
      data: { doc: JSON.stringify(e), action: e.action },
    }));
    const keyOf = (c: CustomerRelationship) => `${CUSTOMER_RELATIONSHIP}${c.partnerId}`;
    const dataOf = (c: CustomerRelationship) => ({ doc: JSON.stringify(c), status: c.status, seq: c.seq });
    if (copies.length > 0 && copies.every((c) => c.seq === 1)) {
      try {
        await this.rows.commit('data', pk, [...copies.map((c): WriteOp => ({ kind: 'insert', rk: keyOf(c), data: dataOf(c) })), ...audit]);
        return;
      } catch (err) {
        if (!(err instanceof WriteConflict)) throw err;
      }
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await Promise.all(copies.map((c) => this.rows.get('data', pk, keyOf(c))));
      const ops: WriteOp[] = [];
      copies.forEach((c, i) => {
        const row = current[i];
        if (row && Number(row.data.seq ?? 0) >= c.seq) return;
        ops.push(
          row ? { kind: 'replace', rk: keyOf(c), data: dataOf(c), etag: row.etag } : { kind: 'insert', rk: keyOf(c), data: dataOf(c) },
        );
      });
      ops.push(...audit);
      if (!ops.length) return;
      try {
        await this.rows.commit('data', pk, ops);
        return;
      } catch (err) {
        // Another copy landed first: read again and keep the later change.
        if (!(err instanceof WriteConflict)) throw err;
      }
    }
    throw new WriteConflict('version', 'the customer index kept changing');
  }

  async customerRelationship(customerId: string, partnerId: string): Promise<CustomerRelationship | undefined> {
    const row = await this.rows.get('data', customerPartition(customerId), `${CUSTOMER_RELATIONSHIP}${partnerId}`);
    return row ? doc<CustomerRelationship>(row) : undefined;
  }

  customerRelationships(customerId: string, request: PageRequest): Promise<Page<CustomerRelationship>> {
    return this.page(customerId, CUSTOMER_RELATIONSHIP, request, true);
  }

  customerAuditEvents(customerId: string, request: PageRequest): Promise<Page<AuditEvent>> {
    return this.page(customerId, CUSTOMER_AUDIT, request, false);
  }

  async dueGrants(now: Date, limit: number): Promise<DueGrant[]> {
    // Every key of a due time up to `now` sorts below `{now}~` ('~' is above '|').
    const upTo = `${now.toISOString()}~`;
    const legacy = this.rows.range('data', LEGACY_JOBS_PARTITION, { from: LEGACY_DUE, to: `${LEGACY_DUE}${upTo}`, limit });
    const read = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, s) => this.rows.range('data', duePartition(s), { from: '', to: upTo, limit })),
    );
    const old = await legacy;
    for (const r of old) this.legacy.add(r.rk);
    const grants = [...old, ...read.flat()].map((r) => doc<DueGrant>(r));
    return grants.sort((a, b) => a.endsAt.localeCompare(b.endsAt)).slice(0, limit);
  }

  async clearDue(grant: DueGrant): Promise<void> {
    const { pk, rk } = dueRow(grant);
    const old = `${LEGACY_DUE}${rk}`;
    if (this.legacy.delete(old)) await this.deleteIfThere(LEGACY_JOBS_PARTITION, old);
    else await this.deleteIfThere(pk, rk);
  }

  private async deleteIfThere(pk: string, rk: string): Promise<void> {
    try {
      await this.rows.commit('data', pk, [{ kind: 'delete', rk }]);
    } catch (err) {
      if (!(err instanceof WriteConflict)) throw err;
    }
  }

  private async page<T>(customerId: string, prefix: string, request: PageRequest, activeOnly: boolean): Promise<Page<T>> {
    const scope = `customer|${prefix}|${customerId}`;
    const after = decodeCursor(this.cursorKey, scope, request.cursor);
    const rows = await this.rows.range('data', customerPartition(customerId), {
      from: after !== undefined ? `${after}\u0000` : prefix,
      to: prefixEnd(prefix),
      ...(activeOnly ? { where: [{ prop: 'status', op: 'eq', value: 'active' }] } : {}),
      limit: request.pageSize + 1,
    });
    const page = rows.slice(0, request.pageSize);
    const last = page.at(-1);
    const items = page.map((r) => doc<T>(r));
    return rows.length > request.pageSize && last ? { items, cursor: encodeCursor(this.cursorKey, scope, last.rk) } : { items };
  }
}
