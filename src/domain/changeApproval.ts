/**
 * Access requests, the customer's side: its global admin approves all the added roles or some of
 * them, or declines. Approval is ONE atomic commit in the partner's data (the request, guarded by
 * its version; the relationship, guarded by its revision; the audit event and so the event): the
 * grant becomes the kept roles plus the approved ones, for the requested duration from now, with
 * the requested auto-extension; the customer's index follows (commitRelationships). Answering the
 * same again is idempotent. What the link's page shows is read here too (reads only).
 */
import { authorizeCustomerAdmin } from './access';
import { inLocaleOf } from './acceptance';
import { effectiveRequestStatus, type ChangeRequest } from './changeRequest';
import { parseRequestToken, requestTokenMatches, type RequestRef } from './tokens';
import { linkOfRequest, requestAudit, saveChangeRequest, type ChangeRequestDeps } from './changeRequests';
import { commitRelationships } from './customerSide';
import { badRequest, conflict, forbidden, gone } from './errors';
import { addDays, canAutoExtend, durationDays, MAX_DAYS } from './grant';
import { actorOf, type Locale, type Principal, type Relationship, type Versioned } from './model';
import { findPartner, isSuspended } from './partners';
import { newRev, saveRelationship } from './relationships';
import { retryOnConflict } from './retry';

export const CHANGE_DECISIONS = ['approve', 'decline'] as const;
export type ChangeDecision = (typeof CHANGE_DECISIONS)[number];

export const invalidRequestLink = () =>
  gone(
    'This access request link is no longer valid: it expired, was revoked, replaced by a newer request or answered, or is not a valid link.',
    'request-link-invalid',
  );

async function verified(deps: ChangeRequestDeps, ref: RequestRef): Promise<Versioned<ChangeRequest> | undefined> {
  const found = await deps.store.changeRequest(ref.partnerId, ref.customerId, ref.requestId);
  return found && requestTokenMatches(deps.settings.signingKey, ref, found.value.nonce) ? found : undefined;
}

/** A pending request whose partner the operator suspended has an invalid link, as an invitation's. */
const suspended = async (deps: ChangeRequestDeps, r: ChangeRequest) => isSuspended(await findPartner(deps.directory, r.partnerId));

export type RequestPageState =
  | { kind: 'invalid'; locale: Locale }
  | { kind: 'answered'; request: ChangeRequest; relationship?: Relationship | undefined }
  | { kind: 'open'; request: ChangeRequest };

/** What the link's page shows. Reads only: mail scanners open links. */
export async function requestPageState(deps: ChangeRequestDeps, token: string): Promise<RequestPageState> {
  const ref = parseRequestToken(token);
  const found = ref ? await verified(deps, ref) : undefined;
  if (!found) return { kind: 'invalid', locale: 'en' };
  const r = found.value;
  if (r.status === 'approved' || r.status === 'declined') {
    const rel = r.status === 'approved' ? await deps.store.relationship(r.partnerId, r.customerId) : undefined;
    return { kind: 'answered', request: r, relationship: rel?.value };
  }
  if (effectiveRequestStatus(r, deps.clock.now()) !== 'pending' || (await suspended(deps, r))) return { kind: 'invalid', locale: r.locale };
  return { kind: 'open', request: r };
}

export interface ChangeAnswer {
  status: 'approved' | 'declined';
  request: ChangeRequest;
  /** The relationship as the approval left it (absent on a decline). */
  relationship?: Relationship | undefined;
}

/** The grant an approval gives: the kept roles still held, then the approved ones, from now. */
function approvedGrant(r: ChangeRequest, rel: Relationship, approved: string[], now: Date) {
  const held = rel.delegatedAdmin.status === 'granted' ? rel.delegatedAdmin.roles : [];
  const roles = r.requested.roles.filter((id) => (r.kept.includes(id) && held.includes(id)) || approved.includes(id));
  const days = durationDays(r.requested.duration) ?? MAX_DAYS;
  return {
    status: 'granted' as const,
    roles,
    grantedAt: now.toISOString(),
    endsAt: addDays(now, days).toISOString(),
    autoExtend: r.requested.autoExtend && canAutoExtend(roles),
  };
}

export async function answerChangeRequest(
  deps: ChangeRequestDeps,
  principal: Principal,
  token: string,
  decision: ChangeDecision,
  /** The added roles approved (default: all of them). */
  roles?: string[],
): Promise<ChangeAnswer> {
  const ref = parseRequestToken(token);
  if (!ref) {
    authorizeCustomerAdmin(principal, 'approve or decline an access request');
    throw invalidRequestLink();
  }
  let locale: Locale | undefined;
  return inLocaleOf(
    () => locale,
    () =>
      retryOnConflict(async () => {
        const [found, rel] = await Promise.all([verified(deps, ref), deps.store.relationship(ref.partnerId, ref.customerId)]);
        locale = found?.value.locale;
        authorizeCustomerAdmin(principal, 'approve or decline an access request');
        if (!found) throw invalidRequestLink();
        const r = found.value;
        if (principal.tenantId !== r.customerId) {
          throw forbidden('This access request is for another organisation; sign in with an account of that tenant.', 'wrong-tenant');
        }
        if (r.status === 'approved' || r.status === 'declined') {
          // The same answer again is idempotent; the other one is too late.
          if ((r.status === 'approved') !== (decision === 'approve')) {
            throw conflict(`This access request has already been ${r.status}.`, 'request-already-answered');
          }
          return { status: r.status, request: r, relationship: rel?.value };
        }
        const now = deps.clock.now();
        if (effectiveRequestStatus(r, now) !== 'pending' || (await suspended(deps, r))) throw invalidRequestLink();
        const approved = roles ?? r.added;
        const unknown = approved.filter((id) => !r.added.includes(id));
        if (unknown.length) {
          throw badRequest(`Only roles the request adds can be approved; not: ${unknown.join(', ')}.`, {
            roles: [`must be a subset of the added roles: ${r.added.join(', ') || '(none)'}`],
          });
        }
        const actor = actorOf(principal);
        const at = now.toISOString();
        if (decision === 'decline') {
          const declined: ChangeRequest = { ...r, status: 'declined', answeredAt: at, answeredBy: actor };
          await deps.store.commit(r.partnerId, [
            saveChangeRequest(declined, found.version),
            requestAudit(declined, 'delegatedAdmin.changeDeclined', actor, now),
          ]);
          return { status: 'declined', request: declined };
        }
        const da = rel?.value.delegatedAdmin;
        if (!rel || rel.value.status !== 'active' || (da?.status !== 'granted' && da?.status !== 'expired')) {
          throw conflict(
            "The partner's access has changed since this request (it was removed or revoked); there is nothing to change. Ask the partner for a new invitation.",
            'relationship-changed',
          );
        }
        const grant = approvedGrant(r, rel.value, approved, now);
        if (grant.roles.length === 0) {
          throw badRequest('Approve at least one role, or decline the request.', { roles: ['must approve at least one role'] });
        }
        const done: ChangeRequest = { ...r, status: 'approved', approvedRoles: approved, answeredAt: at, answeredBy: actor };
        const updated: Relationship = { ...rel.value, delegatedAdmin: grant, rev: newRev() };
        await commitRelationships(deps, r.partnerId, [
          saveRelationship(updated, rel),
          saveChangeRequest(done, found.version),
          requestAudit(done, 'delegatedAdmin.changeApproved', actor, now, {
            roles: grant.roles,
            endsAt: grant.endsAt,
            autoExtend: grant.autoExtend,
            previousEndsAt: rel.value.delegatedAdmin.endsAt,
          }),
        ]);
        return { status: 'approved', request: done, relationship: updated };
      }),
  );
}

/** The link of each of a customer's partners' pending request (for the customer's page): partner ID → URL. */
export async function pendingRequestLinks(deps: ChangeRequestDeps, customerId: string, partnerIds: string[]): Promise<Map<string, string>> {
  const now = deps.clock.now();
  const found = await Promise.all(
    partnerIds.map(async (partnerId) => {
      const latest = await deps.store.latestChangeRequest(partnerId, customerId);
      const r = latest ? (await deps.store.changeRequest(partnerId, customerId, latest.value))?.value : undefined;
      return r && effectiveRequestStatus(r, now) === 'pending' ? ([partnerId, linkOfRequest(deps.settings, r)] as const) : undefined;
    }),
  );
  return new Map(found.filter((x) => x !== undefined));
}
