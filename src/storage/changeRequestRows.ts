/**
 * Access requests as rows, in the partner's partition of `data` (beside the relationship they
 * change, so a request, the relationship and their audit events commit in one transaction):
 *
 *   crq|{customerId}|{requestId}   an access request (ids sort newest first)
 *   crl|{customerId}               the relationship's latest request: { requestId }, the guard that
 *                                  keeps two racing requests from both becoming pending
 */
import type { ChangeRequest } from '../domain/changeRequest';
import type { ChangeRequestChange, ChangeRequestStore } from '../domain/ports';
import { recordOf, versioned } from './layout';
import { saveRow, type AggregateRows, type Pager, readOne } from './pager';
import type { Rows } from './rows';

export const CHANGE_REQUEST = 'crq|';
export const LATEST_CHANGE_REQUEST = 'crl|';
export const changeRequestKey = (customerId: string, id: string) => `${CHANGE_REQUEST}${customerId}|${id}`;
export const latestChangeRequestKey = (customerId: string) => `${LATEST_CHANGE_REQUEST}${customerId}`;

export function changeRequestRows(rows: Rows, page: Pager): AggregateRows<ChangeRequestStore, ChangeRequestChange> {
  return {
    reads: {
      async changeRequest(partnerId, customerId, id) {
        return readOne(rows, partnerId, changeRequestKey(customerId, id), (row) => versioned<ChangeRequest>(row));
      },
      async latestChangeRequest(partnerId, customerId) {
        return readOne(rows, partnerId, latestChangeRequestKey(customerId), (row) => ({
          value: String(row.data.requestId),
          version: row.etag,
        }));
      },
      changeRequests(partnerId, customerId, request) {
        const prefix = `${CHANGE_REQUEST}${customerId}|`;
        const q = { scope: `change-requests|${customerId}`, prefix, position: (r: { rk: string }) => r.rk, keyOf: (p: string) => p };
        return page(partnerId, q, request, (r) => recordOf<ChangeRequest>(r));
      },
    },
    writers: {
      saveChangeRequest: (c) =>
        saveRow(
          changeRequestKey(c.request.customerId, c.request.id),
          { doc: JSON.stringify(c.request), status: c.request.status },
          c.version,
        ),
      markLatestChangeRequest: (c) => saveRow(latestChangeRequestKey(c.customerId), { requestId: c.requestId }, c.version),
    },
  };
}
