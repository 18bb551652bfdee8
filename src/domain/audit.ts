/**
 * Audit events. Each is committed with the change it records (`recordAudit` in the same commit).
 */
import { randomUUID } from 'node:crypto';
import type { Actor, AuditAction, AuditEvent, Page, PageRequest, Partner } from './model';
import type { Change, Deps } from './ports';

export function auditEvent(
  partnerId: string,
  action: AuditAction,
  actor: Actor,
  at: Date,
  fields: Partial<Pick<AuditEvent, 'customerId' | 'invitationId' | 'details'>> = {},
): AuditEvent {
  return { id: randomUUID(), at: at.toISOString(), actor, action, partnerId, details: {}, ...fields };
}

export const recordAudit = (event: AuditEvent): Change => ({ kind: 'recordAudit', event });

export function listAuditEvents(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  query: { customerId?: string | undefined } & PageRequest,
): Promise<Page<AuditEvent>> {
  return deps.store.auditEvents(partner.id, { customerId: query.customerId }, query);
}
