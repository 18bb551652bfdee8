/** The audit log over rows: each event under its time, its customer and its invitation. */
import type { AuditEvent } from '../domain/model';
import type { AuditChange, AuditLog } from '../domain/ports';
import { AUDIT, AUDIT_BY_CUSTOMER, AUDIT_BY_INVITATION, auditMirrorWrite, auditWrites, prefixEnd, recordOf } from './layout';
import type { AggregateRows, Pager } from './pager';
import type { Rows } from './rows';

export function auditRows(rows: Rows, page: Pager): AggregateRows<AuditLog, AuditChange> {
  return {
    reads: {
      auditEvents(partnerId, filter, request) {
        const prefix = filter.customerId ? `${AUDIT_BY_CUSTOMER}${filter.customerId}|` : AUDIT;
        return page(partnerId, { scope: `audit|${prefix}`, prefix, position: (r) => r.rk, keyOf: (p) => p }, request, (r) =>
          recordOf<AuditEvent>(r),
        );
      },
      async invitationEvents(partnerId, invitationId, limit) {
        const prefix = `${AUDIT_BY_INVITATION}${invitationId}|`;
        const found = await rows.range('data', partnerId, { from: prefix, to: prefixEnd(prefix), limit });
        return found.map((r) => recordOf<AuditEvent>(r));
      },
    },
    writers: {
      recordAudit: (c) => ({ writes: auditWrites(c.event) }),
      mirrorAuditForCustomer: (c) => ({ writes: [auditMirrorWrite(c.event, c.customerId)] }),
    },
  };
}
