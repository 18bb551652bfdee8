/**
 * Audit events. Each is written in the same commit as the change it records (same partition),
 * twice: once in time order and once under its customer, so both listings read one range.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction } from '../api/schemas';
import { AUDIT, AUDIT_BY_CUSTOMER, invertedTime, prefixEnd } from './keys';
import type { Actor } from './model';
import type { Store, WriteOp } from './ports';
import { decodeContinuation, encodeContinuation } from './tokens';

export interface AuditEvent {
  id: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  partnerId: string;
  customerId?: string;
  invitationId?: string;
  details: Record<string, unknown>;
}

export function auditEvent(
  partnerId: string,
  action: AuditAction,
  actor: Actor,
  at: Date,
  fields: Partial<Pick<AuditEvent, 'customerId' | 'invitationId' | 'details'>> = {},
): AuditEvent {
  return { id: randomUUID(), at: at.toISOString(), actor, action, partnerId, details: {}, ...fields };
}

/** The writes that record `event` in its partner's partition. */
export function auditOps(event: AuditEvent): WriteOp[] {
  const suffix = `${invertedTime(Date.parse(event.at))}|${event.id}`;
  const data = { doc: JSON.stringify(event), action: event.action };
  const ops: WriteOp[] = [{ kind: 'insert', rk: `${AUDIT}${suffix}`, data }];
  if (event.customerId) ops.push({ kind: 'insert', rk: `${AUDIT_BY_CUSTOMER}${event.customerId}|${suffix}`, data });
  return ops;
}

export async function listAuditEvents(
  store: Store,
  signingKey: string,
  partnerId: string,
  q: { customerId?: string | undefined; pageSize: number; continuationToken?: string | undefined },
): Promise<{ items: AuditEvent[]; continuationToken?: string }> {
  const prefix = q.customerId ? `${AUDIT_BY_CUSTOMER}${q.customerId}|` : AUDIT;
  const scope = `audit|${partnerId}|${prefix}`;
  const after = decodeContinuation(signingKey, scope, q.continuationToken);
  const rows = await store.range('data', partnerId, {
    from: after ? `${after}\u0000` : prefix,
    to: prefixEnd(prefix),
    limit: q.pageSize + 1,
  });
  const page = rows.slice(0, q.pageSize);
  const items = page.map((r) => JSON.parse(String(r.data.doc)) as AuditEvent);
  const last = page.at(-1);
  return rows.length > q.pageSize && last ? { items, continuationToken: encodeContinuation(signingKey, scope, last.rk) } : { items };
}
