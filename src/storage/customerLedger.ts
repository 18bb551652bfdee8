/**
 * The CustomerLedger over rows (see docs/storage.md, "The customer's index and the due index").
 * Both live in the `data` table, in partitions no partner ID can take (partner IDs are UUIDs):
 *
 *   customer|{customerId}    rel|{partnerId}                       the customer's copy of a relationship
 *                            aud|{invertedTime}|{eventId}           the customer's audit events
 *   jobs|delegated-admin     note|{at}|{partnerId}|{customerId}|{seq}  a change the customer's copy must follow
 *                            due|{endsAt}|{partnerId}|{customerId}     a grant that falls due at endsAt
 *
 * The job partition is read by key range only (notes up to a time, due rows up to now): the
 * repair and expiry jobs read their pending work, never all relationships.
 */
import { WriteConflict } from '../domain/errors';
import type { AuditEvent, CustomerRelationship, Page, PageRequest } from '../domain/model';
import type { CustomerLedger, DueGrant, RelationshipNote } from '../domain/ports';
import { decodeCursor, encodeCursor } from './cursor';
import { invertedTime, prefixEnd } from './layout';
import type { Rows, StoredRow, WriteOp } from './rows';

export const JOBS_PARTITION = 'jobs|delegated-admin';
export const customerPartition = (customerId: string) => `customer|${customerId}`;
export const CUSTOMER_RELATIONSHIP = 'rel|';
export const CUSTOMER_AUDIT = 'aud|';
export const NOTE = 'note|';
export const DUE = 'due|';

const seqKey = (seq: number) => String(seq).padStart(10, '0');
export const noteKey = (n: RelationshipNote) => `${NOTE}${n.at}|${n.partnerId}|${n.customerId}|${seqKey(n.seq)}`;
export const dueKey = (d: DueGrant) => `${DUE}${d.endsAt}|${d.partnerId}|${d.customerId}`;

const doc = <T>(row: StoredRow): T => JSON.parse(String(row.data.doc)) as T;

export class RowCustomerLedger implements CustomerLedger {
  constructor(
    readonly rows: Rows,
    private readonly cursorKey: string,
  ) {}

  async note(notes: RelationshipNote[]): Promise<void> {
    const ops: WriteOp[] = [];
    for (const n of notes) {
      ops.push({ kind: 'put', rk: noteKey(n), data: { doc: JSON.stringify(n) } });
      if (n.endsAt) {
        const due: DueGrant = { partnerId: n.partnerId, customerId: n.customerId, endsAt: n.endsAt };
        ops.push({ kind: 'put', rk: dueKey(due), data: { doc: JSON.stringify(due) } });
      }
    }
    if (ops.length) await this.rows.commit('data', JOBS_PARTITION, ops);
  }

  async done(note: RelationshipNote): Promise<void> {
    await this.deleteIfThere(noteKey(note));
  }

  async pendingNotes(before: Date, limit: number): Promise<RelationshipNote[]> {
    const rows = await this.rows.range('data', JOBS_PARTITION, { from: NOTE, to: `${NOTE}${before.toISOString()}`, limit });
    return rows.map((r) => doc<RelationshipNote>(r));
  }

  async mirror(copy: CustomerRelationship, events: AuditEvent[]): Promise<void> {
    const pk = customerPartition(copy.customerId);
    const rk = `${CUSTOMER_RELATIONSHIP}${copy.partnerId}`;
    const audit: WriteOp[] = events.map((e) => ({
      kind: 'put',
      rk: `${CUSTOMER_AUDIT}${invertedTime(Date.parse(e.at))}|${e.id}`,
      data: { doc: JSON.stringify(e), action: e.action },
    }));
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.rows.get('data', pk, rk);
      const data = { doc: JSON.stringify(copy), status: copy.status, seq: copy.seq };
      let ops: WriteOp[];
      if (current && Number(current.data.seq ?? 0) >= copy.seq) ops = audit;
      else ops = [current ? { kind: 'replace', rk, data, etag: current.etag } : { kind: 'insert', rk, data }, ...audit];
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
    // Every key of a due time up to `now` sorts below `due|{now}~` ('~' is above '|').
    const rows = await this.rows.range('data', JOBS_PARTITION, { from: DUE, to: `${DUE}${now.toISOString()}~`, limit });
    return rows.map((r) => doc<DueGrant>(r));
  }

  async clearDue(grant: DueGrant): Promise<void> {
    await this.deleteIfThere(dueKey(grant));
  }

  private async deleteIfThere(rk: string): Promise<void> {
    try {
      await this.rows.commit('data', JOBS_PARTITION, [{ kind: 'delete', rk }]);
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
