/**
 * An invitation's states and transitions: its effective status, reading it, and committing a
 * transition guarded by its version (with the changes that go with it). The use cases (create,
 * send, revoke, accept) build on these.
 */
import { auditEvent, recordAudit } from './audit';
import { conflict, notFound } from './errors';
import { systemActor, type Invitation, type InvitationStatus, type Versioned } from './model';
import type { Change, Deps } from './ports';
import { retryOnConflict } from './retry';

export function effectiveStatus(inv: Invitation, now: Date): InvitationStatus {
  return inv.status === 'pending' && now.getTime() >= Date.parse(inv.expiresAt) ? 'expired' : inv.status;
}

export async function requireInvitation(deps: Pick<Deps, 'store'>, partnerId: string, id: string): Promise<Versioned<Invitation>> {
  const found = await deps.store.invitation(partnerId, id);
  if (!found) throw notFound(`No invitation ${id}.`);
  return found;
}

export interface Transition {
  next: Invitation;
  /** Further changes committed with it (audit events, relationships). */
  changes: Change[];
}

/**
 * Applies `change` to the invitation and commits it with its other changes, reading again and
 * deciding again when another writer got there first. `change` decides from the current state
 * and may throw; it returns undefined when there is nothing to write.
 */
export function transition(
  deps: Pick<Deps, 'store'>,
  start: Versioned<Invitation>,
  change: (inv: Invitation) => Transition | undefined,
): Promise<Versioned<Invitation>> {
  return retryOnConflict(async (attempt) => {
    const current = attempt === 0 ? start : await requireInvitation(deps, start.value.partnerId, start.value.id);
    const result = change(current.value);
    if (!result) return current;
    const [version] = await deps.store.commit(current.value.partnerId, [
      { kind: 'updateInvitation', invitation: result.next, previous: current },
      ...result.changes,
    ]);
    return { value: result.next, version: version ?? '' };
  });
}

/** A pending invitation past its expiry is recorded as expired (with its audit event) when next touched. */
export function expireIfDue(inv: Invitation, now: Date): Transition | undefined {
  if (inv.status !== 'pending' || effectiveStatus(inv, now) !== 'expired') return undefined;
  return {
    next: { ...inv, status: 'expired', closedAt: now.toISOString() },
    changes: [
      recordAudit(
        auditEvent(inv.partnerId, 'invitation.expired', systemActor(inv.partnerId), now, {
          invitationId: inv.id,
          details: { expiresAt: inv.expiresAt },
        }),
      ),
    ],
  };
}

export const notPending = (inv: Invitation, now: Date, verb: string) =>
  conflict(`Only pending invitations can be ${verb}; this one is ${effectiveStatus(inv, now)}.`, 'invitation-not-pending');
