/**
 * Audit events. Each is committed with the change it records (`recordAudit` in the same commit).
 */
import { randomUUID } from 'node:crypto';
import type { Actor, AuditAction, AuditEvent, Invitation, Page, PageRequest, Partner } from './model';
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

/** An invitation has a few events (created, sent up to the send limit, ...): mirrored up to this many. */
export const MAX_MIRRORED_EVENTS = 20;

/** The invitation's events so far, carried with it (`history`), at most MAX_MIRRORED_EVENTS. */
export const withHistory = (inv: Invitation, events: AuditEvent[]): Invitation =>
  events.length ? { ...inv, history: [...(inv.history ?? []), ...events].slice(-MAX_MIRRORED_EVENTS) } : inv;

/**
 * An unbound invitation's events name no customer (none is known before the answer). When the
 * answer names it, the same commit lists those events under the customer too, so that the
 * customer's audit (`?customerId=`) starts with its invitation. The invitation carries them
 * (`history`; one query for invitations made before it did). The invitation's version guards
 * the commit, so no event of it can be recorded in between.
 */
export async function mirrorInvitationEvents(deps: Pick<Deps, 'store'>, inv: Invitation, customerId: string): Promise<Change[]> {
  const events = inv.history ?? (await deps.store.invitationEvents(inv.partnerId, inv.id, MAX_MIRRORED_EVENTS));
  return events.filter((e) => e.customerId !== customerId).map((event): Change => ({ kind: 'mirrorAuditForCustomer', event, customerId }));
}
