/** The one pager of every listing in the partners' data: one range read, and a signed cursor when more follow. */
import type { Page, PageRequest } from '../domain/model';
import { decodeCursor, encodeCursor } from './cursor';
import { prefixEnd } from './layout';
import type { Condition, RowData, Rows, StoredRow, WriteOp } from './rows';

export interface PageQuery {
  /** What the cursor is bound to: a cursor of another listing or filter is refused. */
  scope: string;
  /** The key range read, in order. */
  prefix: string;
  where?: Condition[];
  anyOf?: Condition[][];
  /** A narrower range than the prefix: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
  /** The position a row continues from (its row key, or its sort key within the prefix). */
  position: (row: StoredRow) => string;
  /** The row key of a position. */
  keyOf: (position: string) => string;
}

export type Pager = <T>(partnerId: string, q: PageQuery, request: PageRequest, map: (row: StoredRow) => T) => Promise<Page<T>>;

/** One range read of pageSize + 1 rows, and a cursor (signed with `cursorKey`) when more follow. */
export const pager =
  (rows: Rows, cursorKey: string): Pager =>
  async (partnerId, q, request, map) => {
    const scope = `${q.scope}|${partnerId}`;
    const after = decodeCursor(cursorKey, scope, request.cursor);
    const found = await rows.range('data', partnerId, {
      from: after !== undefined ? `${q.keyOf(after)}\u0000` : (q.from ?? q.prefix),
      to: q.to ?? prefixEnd(q.prefix),
      ...(q.where ? { where: q.where } : {}),
      ...(q.anyOf ? { anyOf: q.anyOf } : {}),
      limit: request.pageSize + 1,
    });
    const page = found.slice(0, request.pageSize);
    const last = page.at(-1);
    const items = page.map(map);
    return found.length > request.pageSize && last ? { items, cursor: encodeCursor(cursorKey, scope, q.position(last)) } : { items };
  };

/** What one change writes in its commit, and the row whose new ETag is the change's version. */
export interface Written {
  writes: WriteOp[];
  versionKey?: string | undefined;
}

/** How an aggregate's change kinds become rows: one writer per kind. */
export type Writers<C extends { kind: string }> = { [K in C['kind']]: (change: Extract<C, { kind: K }>) => Written };

/** An aggregate over rows: its port's reads, and the writes of its change kinds. */
export interface AggregateRows<Port, C extends { kind: string }> {
  reads: Port;
  writers: Writers<C>;
}

/** Creates the row (no `version`) or replaces it if still at `version`. */
export const saveRow = (rk: string, data: RowData, version?: string): Written => ({
  writes: [version ? { kind: 'replace', rk, data, etag: version } : { kind: 'insert', rk, data }],
  versionKey: rk,
});

/** One row of a partner's data, mapped; undefined when it is absent (every aggregate's point read). */
export async function readOne<T>(rows: Rows, partnerId: string, rowKey: string, of: (row: StoredRow) => T): Promise<T | undefined> {
  const row = await rows.get('data', partnerId, rowKey);
  return row ? of(row) : undefined;
}
