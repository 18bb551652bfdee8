/**
 * The customer's answer to an invitation (see docs/storage.md for why it cannot be half-applied).
 *
 * 1. The commit point is ONE atomic commit in the reseller's data: the invitation (guarded by
 *    its version) becomes accepted by this tenant, the reseller's relationship is written, and
 *    the audit events are added. Of several concurrent posts exactly one can win the
 *    invitation's version; the others read again and see it accepted (same tenant: the same
 *    answer; another tenant: conflict).
 * 2. For the combined kind, the provider's relationship lives in the provider's data. It is
 *    written by a second commit that also marks the invitation's step there, so it is applied
 *    at most once. If that step fails (storage down), the customer's retry (the same POST) or
 *    the worker of the acceptance's announcement completes it: it depends only on the accepted
 *    invitation.
 * 3. The customer's copies of both relationships are written together, after both commits
 *    (src/domain/customerSide.ts).
 */
import { authorizeCustomerAdmin } from './access';
import { auditEvent, mirrorInvitationEvents, recordAudit } from './audit';
import { AppError, conflict, forbidden, gone, WriteConflict } from './errors';
import { effectiveStatus, expireIfDue, transition } from './invitation';
import {
  actorOf,
  systemActor,
  type Decision,
  type Invitation,
  type Locale,
  type Principal,
  type Relationship,
  type Versioned,
} from './model';
import { findPartner, isSuspended } from './partners';
import type { Deps } from './ports';
import { establish } from './relationships';
import { commitRelationships, CustomerSteps, type CustomerSideDeps } from './customerSide';
import { accessOf } from './grant';
import { retryOnConflict } from './retry';
import { linkTokenMatches, parseLinkToken, type LinkRef } from './tokens';

export const invalidLink = () =>
  gone('This invitation link is no longer valid: it expired, was revoked or declined, or is not a valid link.', 'invitation-link-invalid');

/** A suspended partner's (or provider's) pending links are invalid; the answer reaches every instance within PARTNER_CACHE_MS. */
async function partnerSuspended(deps: Pick<Deps, 'directory'>, inv: Invitation): Promise<boolean> {
  const ids = [inv.partnerId, ...(inv.indirectProviderId ? [inv.indirectProviderId] : [])];
  return (await Promise.all(ids.map((id) => findPartner(deps.directory, id)))).some(isSuspended);
}

/** The invitation a token designates, if the token is genuine; never says which check failed. */
export async function resolveToken(deps: Pick<Deps, 'store' | 'settings'>, token: string): Promise<Versioned<Invitation> | undefined> {
  const ref = parseLinkToken(token);
  return ref ? verified(deps, ref) : undefined;
}

async function verified(deps: Pick<Deps, 'store' | 'settings'>, ref: LinkRef): Promise<Versioned<Invitation> | undefined> {
  const found = await deps.store.invitation(ref.partnerId, ref.invitationId);
  return found && linkTokenMatches(deps.settings.signingKey, ref, found.value.nonce) ? found : undefined;
}

export interface Answer {
  status: 'accepted' | 'declined';
  invitation: Invitation;
  /** As they are now: a later removal shows as status `removed` (what the customer may see of them: src/http/wire.ts). */
  relationships: Relationship[];
  /** Accepted, but the reseller's relationship has since been removed. */
  ended?: boolean;
}

/** Whether the reseller's relationship an accepted invitation established has since been removed. */
export const relationshipEnded = (inv: Invitation, relationships: Relationship[]): boolean =>
  relationships.some((r) => r.partnerId === inv.partnerId && r.status === 'removed');

/** Errors about a genuine invitation are told in the invitation's language. */
export async function inLocaleOf<T>(locale: () => Locale | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const l = locale();
    throw err instanceof AppError && l ? err.in(l) : err;
  }
}

export async function answerInvitation(deps: Deps, principal: Principal, token: string, decision: Decision): Promise<Answer> {
  const ref = parseLinkToken(token);
  if (!ref) {
    authorizeCustomerAdmin(principal);
    throw invalidLink();
  }
  const tenant = principal.tenantId;
  const actor = actorOf(principal);
  let locale: Locale | undefined;

  return inLocaleOf(
    () => locale,
    () =>
      retryOnConflict(async () => {
        // The invitation and this tenant's relationship with the reseller, read at once.
        const [found, before] = await Promise.all([verified(deps, ref), deps.store.relationship(ref.partnerId, tenant)]);
        locale = found?.value.locale;
        authorizeCustomerAdmin(principal);
        if (!found) throw invalidLink();
        const inv = found.value;
        const now = deps.clock.now();
        if (inv.status === 'accepted') {
          if (inv.customerId !== tenant)
            throw conflict('This invitation has already been accepted by another organisation.', 'invitation-already-accepted');
          if (decision === 'decline')
            throw conflict('This invitation has already been accepted; it can no longer be declined.', 'invitation-already-accepted');
          // Answering the same again is idempotent; it tells the real state (a relationship removed
          // since shows as removed, and the page says it ended).
          const relationships = await completeAcceptance(deps, inv);
          return { status: 'accepted', invitation: inv, relationships, ended: relationshipEnded(inv, relationships) };
        }
        if (effectiveStatus(inv, now) !== 'pending') {
          await transition(deps, found, (i) => expireIfDue(i, now));
          throw invalidLink();
        }
        if (await partnerSuspended(deps, inv)) throw invalidLink();
        if (inv.customer.tenantId && inv.customer.tenantId !== tenant) {
          throw forbidden(
            'This invitation was sent to another organisation; sign in with an account of the invited tenant.',
            'wrong-tenant',
          );
        }
        if (tenant === inv.partnerId || tenant === inv.indirectProviderId) {
          throw forbidden('A partner cannot accept its own invitation.', 'wrong-tenant');
        }
        const at = now.toISOString();
        const base = { invitationId: inv.id, customerId: tenant };
        // A bound invitation's events already name its customer (the only tenant that may answer).
        const mirrors = inv.customer.tenantId ? [] : await mirrorInvitationEvents(deps, inv, tenant);

        if (decision === 'decline') {
          const declined: Invitation = { ...inv, status: 'declined', closedAt: at, closedBy: actor, customerId: tenant };
          // A lost race (someone answered first) is a WriteConflict: read again and decide again.
          await deps.store.commit(inv.partnerId, [
            { kind: 'updateInvitation', invitation: declined, previous: found },
            ...mirrors,
            recordAudit(auditEvent(inv.partnerId, 'invitation.declined', actor, now, base)),
          ]);
          return { status: 'declined', invitation: declined, relationships: [] };
        }

        // Accept: one commit in the reseller's data.
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
            access: accessOf(inv),
          },
          now,
        );
        const accepted: Invitation = { ...inv, status: 'accepted', acceptedAt: at, acceptedBy: actor, customerId: tenant };
        const event = auditEvent(inv.partnerId, 'invitation.accepted', actor, now, { ...base, details: { kind: inv.kind } });
        const steps = new CustomerSteps();
        await commitRelationships(
          deps,
          inv.partnerId,
          [
            { kind: 'updateInvitation', invitation: accepted, previous: found },
            // The acceptance, then what it establishes: the order of the commit's events.
            recordAudit(event),
            ...rel.changes,
            ...mirrors,
          ],
          steps,
        );
        let done = false;
        try {
          const provider = accepted.indirectProviderId ? await providerStep(deps, accepted, steps) : undefined;
          done = true;
          return { status: 'accepted', invitation: accepted, relationships: [rel.relationship, ...(provider ? [provider] : [])] };
        } finally {
          await steps.finish(deps, done);
        }
      }),
  );
}

/**
 * Everything an accepted invitation implies beyond its commit point (the provider's
 * relationship), applied at most once and safe to run again; returns the relationships.
 */
export async function completeAcceptance(deps: CustomerSideDeps, inv: Invitation): Promise<Relationship[]> {
  const customerId = inv.customerId;
  if (inv.status !== 'accepted' || !customerId) throw new Error('completeAcceptance needs an accepted invitation');
  const steps = new CustomerSteps();
  const [own, provider] = await Promise.all([
    deps.store.relationship(inv.partnerId, customerId),
    inv.indirectProviderId ? providerStep(deps, inv, steps) : undefined,
  ]);
  await steps.finish(deps);
  return [...(own ? [own.value] : []), ...(provider ? [provider] : [])];
}

/**
 * The provider's relationship of a combined acceptance: read, then committed with the step's
 * mark (inserted: a second application fails on it). Only when that commit fails is the mark
 * read: applied already, this returns the relationship as it is.
 */
function providerStep(deps: CustomerSideDeps, inv: Invitation, steps: CustomerSteps): Promise<Relationship | undefined> {
  const providerId = inv.indirectProviderId;
  const customerId = inv.customerId;
  if (!providerId || !customerId) return Promise.resolve(undefined);
  return retryOnConflict(async () => {
    const before = await deps.store.relationship(providerId, customerId);
    const now = deps.clock.now();
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
        actor: inv.acceptedBy ?? systemActor(customerId),
        access: accessOf(inv),
      },
      now,
    );
    try {
      await commitRelationships(
        deps,
        providerId,
        [{ kind: 'markAcceptanceStep', invitationId: inv.id, resellerId: inv.partnerId, at: now.toISOString() }, ...rel.changes],
        steps,
      );
      return rel.relationship;
    } catch (err) {
      if (err instanceof WriteConflict && (await deps.store.acceptanceStepDone(providerId, inv.id))) {
        return (await deps.store.relationship(providerId, customerId))?.value;
      }
      throw err;
    }
  });
}

export type PageState =
  | { kind: 'invalid'; locale: Locale }
  /** `ended`: the relationship it established has since been removed. */
  | { kind: 'accepted'; invitation: Invitation; ended: boolean }
  | { kind: 'open'; invitation: Invitation };

/** What the link's page shows. Reads only: mail scanners open links. */
export async function pageState(deps: Pick<Deps, 'store' | 'clock' | 'settings' | 'directory'>, token: string): Promise<PageState> {
  const found = await resolveToken(deps, token);
  if (!found) return { kind: 'invalid', locale: 'en' };
  const inv = found.value;
  if (inv.status === 'accepted') {
    const rel = inv.customerId ? await deps.store.relationship(inv.partnerId, inv.customerId) : undefined;
    return { kind: 'accepted', invitation: inv, ended: rel?.value.status === 'removed' };
  }
  if (effectiveStatus(inv, deps.clock.now()) !== 'pending') return { kind: 'invalid', locale: inv.locale };
  if (await partnerSuspended(deps, inv)) return { kind: 'invalid', locale: inv.locale };
  return { kind: 'open', invitation: inv };
}
