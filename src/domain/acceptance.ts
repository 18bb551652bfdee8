/**
 * The customer's answer to an invitation (see docs/storage.md for why it cannot be half-applied).
 *
 * 1. The commit point is ONE entity group transaction in the reseller's partition: the
 *    invitation (guarded by its ETag) becomes accepted by this tenant, the reseller's
 *    relationship and its index rows are written, and the audit events are added. Of several
 *    concurrent posts exactly one can win the invitation's ETag; the others re-read and see it
 *    accepted (same tenant: the same 200; another tenant: 409).
 * 2. For the combined kind, the provider's relationship lives in the provider's partition. It
 *    is written by a second transaction that also inserts a marker row `acc|{invitationId}`, so
 *    it is applied at most once; the invitation says `providerStep: pending` until it is done.
 *    If that step fails (storage down), the customer's retry (the same POST) or the repair
 *    timer completes it: it depends only on the accepted invitation.
 */
import type { Locale } from '../api/schemas';
import { authorizeCustomerAdmin } from './access';
import { auditEvent, auditOps } from './audit';
import { conflict, forbidden, gone, WriteConflict } from './errors';
import {
  effectiveStatus,
  expireIfDue,
  fromRow,
  invitationRow,
  invitationRowKey,
  loadInvitation,
  transition,
  type Invitation,
  type StoredInvitation,
} from './invitations';
import { ACCEPTANCE_MARK } from './keys';
import { actorOf, type Principal } from './model';
import type { Clock, Store } from './ports';
import { establish, loadRelationship, type Relationship } from './relationships';
import { linkTokenMatches, parseLinkToken, type LinkRef } from './tokens';

export interface AcceptDeps {
  store: Store;
  clock: Clock;
  signingKey: string;
}

export const invalidLink = () =>
  gone('This invitation link is no longer valid: it expired, was revoked or declined, or is not a valid link.', 'invitation-link-invalid');

/** The invitation a token designates, if the token is genuine; never says which check failed. */
export async function resolveToken(deps: AcceptDeps, token: string): Promise<StoredInvitation | undefined> {
  const ref = parseLinkToken(token);
  return ref ? verified(deps, ref) : undefined;
}

async function verified(deps: AcceptDeps, ref: LinkRef): Promise<StoredInvitation | undefined> {
  const found = await loadInvitation(deps.store, ref.partnerId, ref.invitationId);
  return found && linkTokenMatches(deps.signingKey, ref, found.invitation.nonce) ? found : undefined;
}

export interface Answer {
  status: 'accepted' | 'declined';
  invitation: Invitation;
  relationships: Relationship[];
}

export async function answerInvitation(
  deps: AcceptDeps,
  principal: Principal,
  token: string,
  decision: 'accept' | 'decline',
): Promise<Answer> {
  authorizeCustomerAdmin(principal);
  const ref = parseLinkToken(token);
  if (!ref) throw invalidLink();
  const tenant = principal.tenantId;
  const actor = actorOf(principal);

  // The invitation and this tenant's relationship with the reseller, read at once.
  const read = () => Promise.all([verified(deps, ref), loadRelationship(deps.store, ref.partnerId, tenant)]);
  let [found, before] = await read();
  if (!found) throw invalidLink();
  let current = found;
  for (let attempt = 0; ; attempt++) {
    const inv = current.invitation;
    const now = deps.clock.now();
    if (inv.status === 'accepted') {
      if (inv.customerId !== tenant)
        throw conflict('This invitation has already been accepted by another organisation.', 'invitation-already-accepted');
      if (decision === 'decline')
        throw conflict('This invitation has already been accepted; it can no longer be declined.', 'invitation-already-accepted');
      return { status: 'accepted', invitation: inv, relationships: await completeAcceptance(deps, current) };
    }
    if (effectiveStatus(inv, now) !== 'pending') {
      await transition(deps.store, inv.partnerId, current, (i) => expireIfDue(i, now));
      throw invalidLink();
    }
    if (inv.customer.tenantId && inv.customer.tenantId !== tenant) {
      throw forbidden('This invitation was sent to another organisation; sign in with an account of the invited tenant.', 'wrong-tenant');
    }
    if (tenant === inv.partnerId || tenant === inv.indirectProviderId) {
      throw forbidden('A partner cannot accept its own invitation.', 'wrong-tenant');
    }
    const at = now.toISOString();
    const base = { invitationId: inv.id, customerId: tenant };

    if (decision === 'decline') {
      let declined = false;
      const done = await transition(deps.store, inv.partnerId, current, (i) => {
        // Called again after a lost race: only the last call's decision counts.
        declined = i.status === 'pending';
        if (!declined) return undefined; // someone else answered first: decide again
        return {
          next: { ...i, status: 'declined', closedAt: at, closedBy: actor, customerId: tenant },
          events: [auditEvent(i.partnerId, 'invitation.declined', actor, now, base)],
        };
      });
      if (!declined) {
        current = done;
        continue;
      }
      return { status: 'declined', invitation: done.invitation, relationships: [] };
    }

    // Accept: one transaction in the reseller's partition.
    const rel = establish(
      before,
      {
        partnerId: inv.partnerId,
        customerId: tenant,
        companyName: inv.customer.companyName,
        domain: inv.customer.domain,
        role: 'reseller',
        indirectProviderId: inv.indirectProviderId,
        invitationId: inv.id,
        actor,
      },
      now,
    );
    const accepted: Invitation = {
      ...inv,
      status: 'accepted',
      acceptedAt: at,
      acceptedBy: actor,
      customerId: tenant,
      ...(inv.kind === 'resellerAndIndirectProvider' ? { providerStep: 'pending' } : {}),
    };
    const event = auditEvent(inv.partnerId, 'invitation.accepted', actor, now, { ...base, details: { kind: inv.kind } });
    let etags: Map<string, string>;
    try {
      etags = await deps.store.commit('data', inv.partnerId, [
        { kind: 'replace', rk: invitationRowKey(inv.id), data: invitationRow(accepted), etag: current.etag },
        ...rel.ops,
        ...auditOps(event),
      ]);
    } catch (err) {
      if (!(err instanceof WriteConflict) || attempt >= 8) throw err;
      // Lost a race (the invitation or the relationship changed): read again and decide again.
      [found, before] = await read();
      if (!found) throw invalidLink();
      current = found;
      continue;
    }
    const stored = { invitation: accepted, etag: etags.get(invitationRowKey(inv.id)) ?? '' };
    return { status: 'accepted', invitation: accepted, relationships: await completeAcceptance(deps, stored, rel.relationship) };
  }
}

/**
 * Everything an accepted invitation implies beyond its commit point (the provider's
 * relationship), applied at most once and safe to run again; returns the relationships.
 */
export async function completeAcceptance(deps: AcceptDeps, stored: StoredInvitation, reseller?: Relationship): Promise<Relationship[]> {
  const inv = stored.invitation;
  const customerId = inv.customerId;
  if (inv.status !== 'accepted' || !customerId) throw new Error('completeAcceptance needs an accepted invitation');
  const own = reseller ?? (await loadRelationship(deps.store, inv.partnerId, customerId))?.relationship;
  const relationships = own ? [own] : [];
  const providerId = inv.indirectProviderId;
  if (!providerId) return relationships;

  const marker = `${ACCEPTANCE_MARK}${inv.id}`;
  for (let attempt = 0; ; attempt++) {
    const [mark, before] = await Promise.all([
      deps.store.get('data', providerId, marker),
      loadRelationship(deps.store, providerId, customerId),
    ]);
    if (mark) {
      if (before) relationships.push(before.relationship);
      break;
    }
    const now = deps.clock.now();
    const actor = inv.acceptedBy ?? { id: 'system', name: 'system', tenantId: customerId };
    const rel = establish(
      before,
      {
        partnerId: providerId,
        customerId,
        companyName: inv.customer.companyName,
        domain: inv.customer.domain,
        role: 'indirectProvider',
        resellerId: inv.partnerId,
        invitationId: inv.id,
        actor,
      },
      now,
    );
    try {
      await deps.store.commit('data', providerId, [
        { kind: 'insert', rk: marker, data: { invitationId: inv.id, resellerId: inv.partnerId, at: now.toISOString() } },
        ...rel.ops,
      ]);
      relationships.push(rel.relationship);
      break;
    } catch (err) {
      if (!(err instanceof WriteConflict) || attempt >= 8) throw err;
    }
  }
  if (inv.providerStep === 'pending') await markProviderStepDone(deps.store, stored);
  return relationships;
}

/**
 * Bookkeeping only (not a state change of the domain): lets the repair job skip it. Written
 * with the etag already in hand; if the row changed meanwhile, someone else marked it or the
 * repair job will find it again (the marker then makes the step a no-op).
 */
async function markProviderStepDone(store: Store, { invitation, etag }: StoredInvitation): Promise<void> {
  const rk = invitationRowKey(invitation.id);
  try {
    await store.commit('data', invitation.partnerId, [
      { kind: 'replace', rk, data: invitationRow({ ...invitation, providerStep: 'done' }), etag },
    ]);
  } catch (err) {
    if (!(err instanceof WriteConflict)) throw err;
  }
}

/**
 * The repair job: completes the provider's step of accepted invitations whose customer did not
 * retry after a failure between the two transactions. Safe to run anywhere, any number of times.
 * Skips acceptances younger than `graceMs` (their own request is most likely still finishing).
 */
export async function repairPendingAcceptances(
  deps: AcceptDeps,
  graceMs = 60_000,
  limit = 200,
): Promise<{ found: number; repaired: number }> {
  const rows = await deps.store.scan('data', { where: [{ prop: 'providerStep', op: 'eq', value: 'pending' }], limit });
  const cutoff = deps.clock.now().getTime() - graceMs;
  let repaired = 0;
  for (const row of rows) {
    const stored = fromRow(row);
    if (stored.invitation.status !== 'accepted' || Date.parse(stored.invitation.acceptedAt ?? '') > cutoff) continue;
    await completeAcceptance(deps, stored);
    repaired++;
  }
  return { found: rows.length, repaired };
}

export type PageState =
  { kind: 'invalid'; locale: Locale } | { kind: 'accepted'; invitation: Invitation } | { kind: 'open'; invitation: Invitation };

/** What the link's page shows. Reads only: mail scanners open links. */
export async function pageState(deps: AcceptDeps, token: string): Promise<PageState> {
  const found = await resolveToken(deps, token);
  if (!found) return { kind: 'invalid', locale: 'en' };
  const inv = found.invitation;
  if (inv.status === 'accepted') return { kind: 'accepted', invitation: inv };
  if (effectiveStatus(inv, deps.clock.now()) !== 'pending') return { kind: 'invalid', locale: inv.locale };
  return { kind: 'open', invitation: inv };
}
