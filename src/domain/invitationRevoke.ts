/** Revoking a pending invitation: its link stops working at once (idempotent). */
import { auditEvent, recordAudit } from './audit';
import { expireIfDue, notPending, requireInvitation, transition } from './invitation';
import { toView, type InvitationView } from './invitationViews';
import { actorOf, type Partner, type Principal } from './model';
import type { Deps } from './ports';

export async function revokeInvitation(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  principal: Principal,
  id: string,
): Promise<InvitationView> {
  const start = await requireInvitation(deps, partner.id, id);
  const now = deps.clock.now();
  const done = await transition(deps, start, (inv) => {
    if (inv.status === 'revoked') return undefined; // idempotent
    const expiry = expireIfDue(inv, now);
    if (expiry) return expiry;
    if (inv.status !== 'pending') throw notPending(inv, now, 'revoked');
    const actor = actorOf(principal);
    return {
      next: { ...inv, status: 'revoked', closedAt: now.toISOString(), closedBy: actor },
      changes: [
        recordAudit(
          auditEvent(partner.id, 'invitation.revoked', actor, now, {
            invitationId: inv.id,
            ...(inv.customer.tenantId ? { customerId: inv.customer.tenantId } : {}),
          }),
        ),
      ],
    };
  });
  if (done.value.status === 'expired') throw notPending(done.value, now, 'revoked');
  return toView(deps.settings, done.value, now);
}
