/**
 * Access requests as rows, in the partner's partition of `data` (beside the relationship they
 * change, so a request, the relationship and their audit events commit in one transaction):
 *
 *   crq|{customerId}|{requestId}   an access request (ids sort newest first)
 *   crl|{customerId}               the relationship's latest request: { requestId }, the guard that
 *                                  keeps two racing requests from both becoming pending
 */
import type { ChangeRequest, ChangeRequestChange, ChangeRequestStore } from '../domain/changeRequest';
import type { Page, PageRequest, Versioned } from '../domain/model';
import { decodeCursor, encodeCursor } from './cursor';
import { prefixEnd, recordOf, versioned } from './layout';
import type { Rows, WriteOp } from './rows';

export const CHANGE_REQUEST = 'crq|';
export const LATEST_CHANGE_REQUEST = 'crl|';
export const changeRequestKey = (customerId: string, id: string) => `${CHANGE_REQUEST}${customerId}|${id}`;
export const latestChangeRequestKey = (customerId: string) => `${LATEST_CHANGE_REQUEST}${customerId}`;

/** The write of one change, and the row key whose new etag is its version. */
export function changeRequestWrite(c: ChangeRequestChange): { op: WriteOp; versionKey: string } {
  if (c.kind === 'saveChangeRequest') {
    const rk = changeRequestKey(c.request.customerId, c.request.id);
    const data = { doc: JSON.stringify(c.request), status: c.request.status };
    return { op: c.version ? { kind: 'replace', rk, data, etag: c.version } : { kind: 'insert', rk, data }, versionKey: rk };
  }
  const rk = latestChangeRequestKey(c.customerId);
  const data = { requestId: c.requestId };
  return { op: c.version ? { kind: 'replace', rk, data, etag: c.version } : { kind: 'insert', rk, data }, versionKey: rk };
}

export class RowChangeRequestStore implements ChangeRequestStore {
  constructor(
    readonly rows: Rows,
    /** Signs cursors. */
    private readonly cursorKey: string,
  ) {}

  async changeRequest(partnerId: string, customerId: string, id: string): Promise<Versioned<ChangeRequest> | undefined> {
    const row = await this.rows.get('data', partnerId, changeRequestKey(customerId, id));
    return row ? versioned<ChangeRequest>(row) : undefined;
  }

  async latestChangeRequest(partnerId: string, customerId: string): Promise<Versioned<string> | undefined> {
    const row = await this.rows.get('data', partnerId, latestChangeRequestKey(customerId));
    return row ? { value: String(row.data.requestId), version: row.etag } : undefined;
  }

  async changeRequests(partnerId: string, customerId: string, request: PageRequest): Promise<Page<ChangeRequest>> {
    const prefix = `${CHANGE_REQUEST}${customerId}|`;
    const scope = `change-requests|${partnerId}|${customerId}`;
    const after = decodeCursor(this.cursorKey, scope, request.cursor);
    const rows = await this.rows.range('data', partnerId, {
      from: after !== undefined ? `${after}\u0000` : prefix,
      to: prefixEnd(prefix),
      limit: request.pageSize + 1,
    });
    const page = rows.slice(0, request.pageSize);
    const items = page.map((r) => recordOf<ChangeRequest>(r));
    const last = page.at(-1);
    return rows.length > request.pageSize && last ? { items, cursor: encodeCursor(this.cursorKey, scope, last.rk) } : { items };
  }
}
