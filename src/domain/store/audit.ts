/** A partner's audit log. */
import type { AuditEvent, Page, PageRequest } from '../model';

export type AuditChange =
  | { kind: 'recordAudit'; event: AuditEvent }
  /** Lists an already recorded event under a customer too (an invitation's events once its customer is known). */
  | { kind: 'mirrorAuditForCustomer'; event: AuditEvent; customerId: string };

export interface AuditLog {
  /** Newest first. */
  auditEvents(partnerId: string, filter: { customerId?: string | undefined }, page: PageRequest): Promise<Page<AuditEvent>>;
  /** The audit events of one invitation, oldest first (at most `limit`). */
  invitationEvents(partnerId: string, invitationId: string, limit: number): Promise<AuditEvent[]>;
}
