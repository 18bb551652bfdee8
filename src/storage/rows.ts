/**
 * The row store under the domain's ports: point reads, ordered row-key ranges within one
 * partition, and atomic commits of up to 100 writes to one partition. Azure Table Storage
 * (tableRows.ts) and memory (memoryRows.ts) implement it; layout.ts says what the rows hold.
 * Failures: WriteConflict (etag mismatch, key exists, row missing) on commit, UnavailableError
 * when storage cannot be reached.
 */

/** A property value a row can hold. */
export type Value = string | number | boolean;
export type RowData = Record<string, Value>;

export interface StoredRow {
  pk: string;
  rk: string;
  etag: string;
  data: RowData;
}

/** One write of an atomic commit; every op of a commit shares one table and one partition. */
export type WriteOp =
  | { kind: 'insert'; rk: string; data: RowData }
  /** Replace the whole row; only if the row is unchanged (etag). */
  | { kind: 'replace'; rk: string; data: RowData; etag: string }
  /** Insert or replace: only for rows whose content is derived (indexes, directory entries), never for state. */
  | { kind: 'put'; rk: string; data: RowData }
  | { kind: 'delete'; rk: string };

/** A property condition applied by the store, server side. */
export type Condition = { prop: string; op: 'eq' | 'ne' | 'lt' | 'ge' | 'gt'; value: Value };

export interface RangeQuery {
  /** Row keys from here (inclusive) ... */
  from: string;
  /** ... up to here (exclusive). */
  to: string;
  /** All conditions must hold. */
  where?: Condition[];
  /** And, when given, all conditions of at least one of these groups. */
  anyOf?: Condition[][];
  limit: number;
}

export type TableName = 'partners' | 'data';

export interface Rows {
  get(table: TableName, pk: string, rk: string): Promise<StoredRow | undefined>;
  /** Rows of one partition whose row key is in [from, to), in row-key order. */
  range(table: TableName, pk: string, query: RangeQuery): Promise<StoredRow[]>;
  /** Applies all ops or none. Returns the new etag of every inserted or replaced row. */
  commit(table: TableName, pk: string, ops: WriteOp[]): Promise<Map<string, string>>;
  /** Storage answers. */
  ping(): Promise<void>;
}
