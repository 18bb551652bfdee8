/**
 * Delegated admin on a relationship: the partner ends it early or switches auto-extension, the
 * customer removes the roles, and the scheduled job expires or extends grants at their end. Each
 * change commits with its audit event in the partner's data and reaches the customer's index
 * through `commitRelationships` (src/domain/customerSide.ts). The reseller relationship stays.
 */
import { authorizeCustomerAdmin } from './access';
import { auditEvent, recordAudit } from './audit';
import { commitRelationships, customerCopy, customerRelationship, type CustomerSideDeps } from './customerSide';
import { badRequest, conflict, notFound, preconditionFailed } from './errors';
import { atEnd, canAutoExtend } from './grant';
import {
  actorOf,
  systemActor,
  type Actor,
  type AuditAction,
  type CustomerRelationship,
  type DelegatedAdmin,
  type Partner,
  type Principal,
  type Relationship,
  type Versioned,
} from './model';
import { findPartner } from './partners';
import { roleById } from './roles';
import { newRev, saveRelationship, type Expected } from './relationships';
import { retryOnConflict } from './retry';

async function requireRelationship(deps: CustomerSideDeps, partnerId: string, customerId: string): Promise<Versioned<Relationship>> {
  const found = await deps.store.relationship(partnerId, customerId);
  if (!found) throw notFound(`No relationship with customer ${customerId}.`);
  return found;
}

function checkExpected(r: Relationship, expected: Expected): void {
  if (expected && expected !== '*' && !expected.includes(r.rev)) {
    throw preconditionFailed(`The relationship has changed (its ETag is now "${r.rev}"); read it again before changing it.`);
  }
}

function requireGranted(r: Relationship, customerId: string): void {
  if (r.status !== 'active' || r.delegatedAdmin.status !== 'granted') {
    throw conflict(
      `Delegated admin for customer ${customerId} is ${r.status === 'active' ? r.delegatedAdmin.status : 'revoked (the relationship was removed)'}; only a granted one can change.`,
      'delegated-admin-not-granted',
    );
  }
}

const globalAdminCannotExtend = () =>
  badRequest('Delegated admin that includes Global Administrator cannot extend itself.', {
    autoExtend: ['cannot be true when Global Administrator is among the roles'],
  });

/** Commits a new delegated admin state of `current` with its audit event. */
async function commitGrant(
  deps: CustomerSideDeps,
  current: Versioned<Relationship>,
  next: DelegatedAdmin,
  action: AuditAction,
  actor: Actor,
  details: Record<string, unknown>,
): Promise<Relationship> {
  const r = current.value;
  const now = deps.clock.now();
  const updated: Relationship = { ...r, delegatedAdmin: next, rev: newRev() };
  const event = auditEvent(r.partnerId, action, actor, now, {
    customerId: r.customerId,
    invitationId: r.invitationId,
    details: { role: r.role, roles: next.roles, endsAt: next.endsAt, autoExtend: next.autoExtend, ...details },
  });
  await commitRelationships(deps, r.partnerId, [saveRelationship(updated, current), recordAudit(event)]);
  return updated;
}

// ---------------------------------------------------------------- the partner's side

/** Ends delegated admin early; the relationship stays. Revoking again returns it as it is. */
export function revokeDelegatedAdmin(
  deps: CustomerSideDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  expected: Expected,
): Promise<Relationship> {
  return retryOnConflict(async () => {
    const current = await requireRelationship(deps, partner.id, customerId);
    const r = current.value;
    if (r.delegatedAdmin.status !== 'granted') return r;
    checkExpected(r, expected);
    const actor = actorOf(principal);
    const at = deps.clock.now().toISOString();
    return commitGrant(
      deps,
      current,
      { ...r.delegatedAdmin, status: 'revoked', revokedAt: at, revokedBy: { ...actor, party: 'partner' } },
      'delegatedAdmin.revoked',
      actor,
      { by: 'partner' },
    );
  });
}

/** Switches auto-extension of a granted delegated admin (never with Global Administrator). */
export function setAutoExtend(
  deps: CustomerSideDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  autoExtend: boolean,
  expected: Expected,
): Promise<Relationship> {
  return retryOnConflict(async () => {
    const current = await requireRelationship(deps, partner.id, customerId);
    const r = current.value;
    checkExpected(r, expected);
    requireGranted(r, customerId);
    if (autoExtend && !canAutoExtend(r.delegatedAdmin.roles)) throw globalAdminCannotExtend();
    if (r.delegatedAdmin.autoExtend === autoExtend) return r;
    return commitGrant(deps, current, { ...r.delegatedAdmin, autoExtend }, 'delegatedAdmin.updated', actorOf(principal), {
      by: 'partner',
    });
  });
}

/**
 * Fewer roles need no consent: keeps only `roles` of a granted delegated admin (with `autoExtend`
 * switched too when given). A role not held now is refused: adding one needs the customer's
 * approval, through an access request.
 */
export function reduceRoles(
  deps: CustomerSideDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  change: { roles: string[]; autoExtend?: boolean | undefined },
  expected: Expected,
): Promise<Relationship> {
  const asked = [...new Set(change.roles.map((r) => r.toLowerCase()))];
  const unknown = asked.filter((r) => !roleById(r));
  if (unknown.length) {
    throw badRequest(`Unknown roles: ${unknown.join(', ')}.`, {
      roles: [`unknown role template IDs: ${unknown.join(', ')} (see GET /api/roles)`],
    });
  }
  return retryOnConflict(async () => {
    const current = await requireRelationship(deps, partner.id, customerId);
    const r = current.value;
    checkExpected(r, expected);
    requireGranted(r, customerId);
    const da = r.delegatedAdmin;
    const added = asked.filter((id) => !da.roles.includes(id));
    if (added.length) {
      throw conflict(
        `Adding roles needs the customer's approval: ask for them with an access request (POST /api/relationships/${customerId}/delegated-admin/requests). Not held now: ${added.join(', ')}.`,
        'approval-required',
      );
    }
    const roles = da.roles.filter((id) => asked.includes(id));
    const autoExtend = change.autoExtend ?? da.autoExtend;
    if (autoExtend && !canAutoExtend(roles)) throw globalAdminCannotExtend();
    if (roles.length === da.roles.length && autoExtend === da.autoExtend) return r;
    const removed = da.roles.filter((id) => !asked.includes(id));
    const action = removed.length ? 'delegatedAdmin.rolesReduced' : 'delegatedAdmin.updated';
    return commitGrant(deps, current, { ...da, roles, autoExtend }, action, actorOf(principal), { by: 'partner', removed });
  });
}

// ---------------------------------------------------------------- the customer's side

/**
 * The customer's global admin removes a partner's roles (the reseller relationship stays, as in
 * the Microsoft 365 admin center). Answers the relationship as the customer sees it; sends no email.
 */
export async function revokeByCustomer(deps: CustomerSideDeps, principal: Principal, partnerId: string): Promise<CustomerRelationship> {
  authorizeCustomerAdmin(principal, 'see or change partner relationships');
  const customerId = principal.tenantId;
  // Only a partner the customer's index lists is known to this customer (anything else: 404).
  await customerRelationship(deps, customerId, partnerId);
  const name = (await findPartner(deps.directory, partnerId))?.name ?? partnerId;
  const done = await retryOnConflict(async () => {
    const current = await deps.store.relationship(partnerId, customerId);
    if (!current || current.value.status !== 'active') throw notFound(`No relationship with partner ${partnerId}.`);
    const r = current.value;
    if (r.delegatedAdmin.status !== 'granted') return r;
    const actor = actorOf(principal);
    const at = deps.clock.now().toISOString();
    return commitGrant(
      deps,
      current,
      { ...r.delegatedAdmin, status: 'revoked', revokedAt: at, revokedBy: { ...actor, party: 'customer' } },
      'delegatedAdmin.revoked',
      actor,
      { by: 'customer', customerNotified: false },
    );
  });
  return customerCopy(done, name);
}

// ---------------------------------------------------------------- the scheduled job

/**
 * Expires (or, with auto-extension, extends by 180 days) every grant due at the clock's now. Reads
 * the due index up to now (its cost grows with the grants due, not with all relationships); a due
 * row that no longer matches its relationship (extended, revoked, removed) is dropped.
 */
export async function processDueGrants(deps: CustomerSideDeps, limit = 200): Promise<{ due: number; expired: number; extended: number }> {
  const now = deps.clock.now();
  const due = await deps.ledger.dueGrants(now, limit);
  let expired = 0;
  let extended = 0;
  for (const grant of due) {
    const outcome = await retryOnConflict(async () => {
      const current = await deps.store.relationship(grant.partnerId, grant.customerId);
      if (!current || current.value.status !== 'active') return undefined;
      const end = atEnd(current.value.delegatedAdmin, now);
      if (!end) return undefined;
      const action = end.kind === 'expire' ? 'delegatedAdmin.expired' : 'delegatedAdmin.extended';
      await commitGrant(deps, current, end.next, action, systemActor(grant.partnerId), {
        previousEndsAt: current.value.delegatedAdmin.endsAt,
      });
      return end.kind;
    });
    if (outcome === 'expire') expired++;
    if (outcome === 'extend') extended++;
    await deps.ledger.clearDue(grant);
  }
  return { due: due.length, expired, extended };
}
