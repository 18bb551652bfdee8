/**
 * The types of the events the service records: each audit action is the type of the event it
 * emits, and what a webhook may subscribe to. No imports: the portal bundles this module as it is.
 */

export const AUDIT_ACTIONS = [
  'invitation.created',
  'invitation.sent',
  'invitation.revoked',
  'invitation.accepted',
  'invitation.declined',
  'invitation.expired',
  'relationship.established',
  'relationship.removed',
  // Delegated admin (granular roles, time-bound, under the customer's control): src/domain/delegatedAdmin.ts
  'delegatedAdmin.revoked',
  'delegatedAdmin.expired',
  'delegatedAdmin.extended',
  'delegatedAdmin.updated',
  // Access requests (src/domain/changeRequests.ts, changeApproval.ts) and reductions (delegatedAdmin.ts)
  'delegatedAdmin.changeRequested',
  'delegatedAdmin.changeApproved',
  'delegatedAdmin.changeDeclined',
  'delegatedAdmin.changeRevoked',
  'delegatedAdmin.changeSent',
  'delegatedAdmin.rolesReduced',
  'partner.enrolled',
  'partner.updated',
  'partner.suspended',
  'partner.reactivated',
  // The partner's webhook endpoint, disabled after failing for days: src/domain/circuit.ts
  'webhook.disabled',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Events that record no change: warnings before access ends (src/domain/endingSoon.ts). */
export const WARNING_EVENT_TYPES = ['delegatedAdmin.endingSoon', 'invitation.expiringSoon'] as const;
export type WarningEventType = (typeof WARNING_EVENT_TYPES)[number];

/** Whether a string (a stored subscription, a query) names one of them. */
export const isAuditAction = (s: string): s is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(s);
