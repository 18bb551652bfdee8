/**
 * The ports the use cases need. Adapters (src/storage, src/email) implement them; the domain
 * knows no Azure SDK type.
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
  /** Replace the whole row; with an etag only if the row is unchanged. */
  | { kind: 'replace'; rk: string; data: RowData; etag: string }
  /** Insert or replace: only for rows whose content is derived (indexes), never for state. */
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

/**
 * Storage, as small as the use cases need: point reads, ordered row-key ranges within one
 * partition, and atomic commits of up to 100 writes to one partition.
 * Failures: WriteConflict (etag mismatch, key exists, row missing) on commit, UnavailableError
 * when storage cannot be reached.
 */
export interface Store {
  get(table: TableName, pk: string, rk: string): Promise<StoredRow | undefined>;
  /** Rows of one partition whose row key is in [from, to), in row-key order. */
  range(table: TableName, pk: string, query: RangeQuery): Promise<StoredRow[]>;
  /** Rows of every partition meeting `where` (a full scan: for background repair only). */
  scan(table: TableName, query: { where: Condition[]; limit: number }): Promise<StoredRow[]>;
  /** Applies all ops or none. Returns the new etag of every inserted or replaced row. */
  commit(table: TableName, pk: string, ops: WriteOp[]): Promise<Map<string, string>>;
  /** Storage answers (for /api/health). */
  ping(): Promise<void>;
}

export interface EmailMessage {
  /** Idempotency key: the same key is never sent twice by the email service. */
  operationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendOutcome =
  { status: 'sent'; operationId: string } | { status: 'failed'; operationId: string; error: string; retryable: boolean };

/** Sends email. Resolves once the email service has accepted (or refused) the message. */
export interface Mailer {
  send(message: EmailMessage): Promise<SendOutcome>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, props?: Record<string, unknown>): void;
  warn(message: string, props?: Record<string, unknown>): void;
  error(message: string, props?: Record<string, unknown>): void;
}
