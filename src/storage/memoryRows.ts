/**
 * Rows in memory (see rows.ts), with the semantics of Azure Table Storage that the layout relies
 * on: row-key order (UTF-16 code units, as the service compares them), etags that change on
 * every write, all-or-nothing commits with the same conflicts (etag, exists, missing), and
 * server-side conditions. For unit tests and `npm run test:unit`; the contract suite
 * (test/contract) runs the same cases against it and against Azurite.
 */
import { randomUUID } from 'node:crypto';
import { UnavailableError, WriteConflict } from '../domain/errors';
import type { Condition, RangeQuery, RowData, Rows, StoredRow, TableName, Value, WriteOp } from './rows';

type Partition = Map<string, { etag: string; data: RowData }>;

const compare = (a: Value, b: Value): number => (a < b ? -1 : a > b ? 1 : 0);

const holds = (data: RowData, c: Condition): boolean => {
  const v = data[c.prop];
  if (v === undefined) return c.op === 'ne';
  if (typeof v !== typeof c.value) return c.op === 'ne';
  const d = compare(v, c.value);
  switch (c.op) {
    case 'eq':
      return d === 0;
    case 'ne':
      return d !== 0;
    case 'lt':
      return d < 0;
    case 'ge':
      return d >= 0;
    case 'gt':
      return d > 0;
  }
};

export class MemoryRows implements Rows {
  private readonly tables = new Map<TableName, Map<string, Partition>>();
  /** When set, every call fails as if storage could not be reached (outage tests). */
  down = false;

  private partition(table: TableName, pk: string): Partition {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new Map<string, Partition>()));
    let p = t.get(pk);
    if (!p) t.set(pk, (p = new Map<string, { etag: string; data: RowData }>()));
    return p;
  }

  private check(): void {
    if (this.down) throw new UnavailableError('Storage is not reachable right now; try again shortly.');
  }

  get(table: TableName, pk: string, rk: string): Promise<StoredRow | undefined> {
    this.check();
    const row = this.partition(table, pk).get(rk);
    return Promise.resolve(row ? { pk, rk, etag: row.etag, data: { ...row.data } } : undefined);
  }

  range(table: TableName, pk: string, q: RangeQuery): Promise<StoredRow[]> {
    this.check();
    const rows = [...this.partition(table, pk).entries()]
      .filter(([rk]) => rk >= q.from && rk < q.to)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([, r]) => (q.where ?? []).every((c) => holds(r.data, c)))
      .filter(([, r]) => !q.anyOf?.length || q.anyOf.some((group) => group.every((c) => holds(r.data, c))))
      .slice(0, q.limit)
      .map(([rk, r]) => ({ pk, rk, etag: r.etag, data: { ...r.data } }));
    return Promise.resolve(rows);
  }

  commit(table: TableName, pk: string, ops: WriteOp[]): Promise<Map<string, string>> {
    this.check();
    if (ops.length > 100) throw new Error(`a commit holds at most 100 writes (got ${ops.length})`);
    const p = this.partition(table, pk);
    // Check every op first: all or nothing.
    const seen = new Set<string>();
    for (const op of ops) {
      if (seen.has(op.rk)) throw new Error(`a commit writes a row once (${op.rk})`);
      seen.add(op.rk);
      const row = p.get(op.rk);
      if (op.kind === 'insert' && row) return Promise.reject(new WriteConflict('exists'));
      if (op.kind === 'replace' && !row) return Promise.reject(new WriteConflict('missing'));
      if (op.kind === 'replace' && row && op.etag !== '*' && row.etag !== op.etag) return Promise.reject(new WriteConflict('version'));
    }
    const etags = new Map<string, string>();
    for (const op of ops) {
      if (op.kind === 'delete') {
        p.delete(op.rk);
        continue;
      }
      const etag = `W/"${randomUUID()}"`;
      p.set(op.rk, { etag, data: { ...op.data } });
      etags.set(op.rk, etag);
    }
    return Promise.resolve(etags);
  }

  ping(): Promise<void> {
    this.check();
    return Promise.resolve();
  }
}
