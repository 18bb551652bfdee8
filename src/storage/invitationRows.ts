/** Invitations, send counters and remembered creations over rows (the partner's partition). */
import type { CreationRecord, InvitationChange, InvitationStore } from '../domain/ports';
import { INVITATION, idempotencyKeyKey, invitationData, invitationKey, invitationOf, sendCounterKey, versioned } from './layout';
import { saveRow, type AggregateRows, type Pager, readOne } from './pager';
import type { Condition, Rows } from './rows';

export function invitationRows(rows: Rows, page: Pager): AggregateRows<InvitationStore, InvitationChange> {
  return {
    reads: {
      async invitation(partnerId, invitationId) {
        return readOne(rows, partnerId, invitationKey(invitationId), (row) => invitationOf(row));
      },
      invitations(partnerId, filter, request) {
        const now = filter.now.toISOString();
        const where: Condition[] = [];
        switch (filter.status) {
          case 'all':
            break;
          case 'pending':
            where.push({ prop: 'status', op: 'eq', value: 'pending' }, { prop: 'expiresAt', op: 'ge', value: now });
            break;
          case 'expired':
            // Stored as expired, or still pending past its expiry.
            where.push(
              { prop: 'expiresAt', op: 'lt', value: now },
              { prop: 'status', op: 'ne', value: 'accepted' },
              { prop: 'status', op: 'ne', value: 'declined' },
              { prop: 'status', op: 'ne', value: 'revoked' },
            );
            break;
          default:
            where.push({ prop: 'status', op: 'eq', value: filter.status });
        }
        return page(
          partnerId,
          { scope: `invitations|${filter.status}`, prefix: INVITATION, where, position: (r) => r.rk, keyOf: (p) => p },
          request,
          (r) => invitationOf(r).value,
        );
      },
      async sendsOn(partnerId, day) {
        return readOne(rows, partnerId, sendCounterKey(day), (row) => ({ value: Number(row.data.count ?? 0), version: row.etag }));
      },
      async creationRecord(partnerId, keyHash) {
        return readOne(rows, partnerId, idempotencyKeyKey(keyHash), (row) => versioned<CreationRecord>(row));
      },
    },
    writers: {
      createInvitation: (c) => ({
        writes: [{ kind: 'insert', rk: invitationKey(c.invitation.id), data: invitationData(c.invitation) }],
        versionKey: invitationKey(c.invitation.id),
      }),
      updateInvitation: (c) => ({
        writes: [{ kind: 'replace', rk: invitationKey(c.invitation.id), data: invitationData(c.invitation), etag: c.previous.version }],
        versionKey: invitationKey(c.invitation.id),
      }),
      countSends: (c) => saveRow(sendCounterKey(c.day), { count: c.count, day: c.day }, c.version),
      rememberCreation: (c) => saveRow(idempotencyKeyKey(c.record.keyHash), { doc: JSON.stringify(c.record), at: c.record.at }, c.version),
    },
  };
}
