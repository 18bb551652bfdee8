/**
 * Access requests, the partner's side: ask the customer for other roles or a new duration on an
 * active relationship (a new request supersedes the pending one), list, get and revoke them.
 * Each change commits with its audit event in the partner's data; the relationship's latest
 * request marker (its version) keeps two racing requests from both becoming pending.
 */
import { buildRequestDraft } from './requestDraft';
import type { Draft } from './drafts';
import { auditEvent, recordAudit } from './audit';
import { diffRoles, effectiveRequestStatus, heldRoles, requestUrl, type ChangeRequest, type ChangeRequestStatus } from './changeRequest';
import type { CustomerSideDeps } from './customerSide';
import { AppError, badRequest, conflict, notFound } from './errors';
import { resolveAccess } from './grant';
import { actorOf, type Actor, type AuditAction, type Locale, type Page, type PageRequest, type Partner, type Principal } from './model';
import type { Change, Deps } from './ports';
import { retryOnConflict } from './retry';
import { makeRequestToken, newInvitationId, newNonce } from './tokens';

export type ChangeRequestDeps = CustomerSideDeps & Pick<Deps, 'settings'>;

export interface NewChangeRequest {
  roles?: string[] | undefined;
  duration?: string | undefined;
  autoExtend?: boolean | undefined;
  locale?: Locale | undefined;
}

/** What the partner sees: the link and the draft only while pending. */
export interface ChangeRequestView {
  id: string;
  customerId: string;
  status: ChangeRequestStatus;
  current: ChangeRequest['current'];
  requested: ChangeRequest['requested'];
  added: string[];
  removed: string[];
  kept: string[];
  approvedRoles?: string[];
  url?: string;
  draft?: Draft;
  locale: Locale;
  email: ChangeRequest['email'];
  expiresAt: string;
  createdAt: string;
  createdBy: Actor;
  answeredAt?: string;
  answeredBy?: Actor;
}

export const linkOfRequest = (settings: Deps['settings'], r: ChangeRequest) =>
  requestUrl(settings.customerPageUrl, makeRequestToken(settings.signingKey, r));

export const draftOfRequest = (settings: Deps['settings'], r: ChangeRequest) =>
  buildRequestDraft(r, linkOfRequest(settings, r), settings.customerPageUrl);

export function requestView(settings: Deps['settings'], r: ChangeRequest, now: Date): ChangeRequestView {
  const status = effectiveRequestStatus(r, now);
  const { id, customerId, current, requested, added, removed, kept, approvedRoles, locale, email, expiresAt, createdAt, createdBy } = r;
  return {
    id,
    customerId,
    status,
    current,
    requested,
    added,
    removed,
    kept,
    ...(approvedRoles ? { approvedRoles } : {}),
    ...(status === 'pending' ? { url: linkOfRequest(settings, r), draft: draftOfRequest(settings, r) } : {}),
    locale,
    email,
    expiresAt,
    createdAt,
    createdBy,
    ...(r.answeredAt ? { answeredAt: r.answeredAt } : {}),
    ...(r.answeredBy ? { answeredBy: r.answeredBy } : {}),
  };
}

/** The audit event of a request's change: the request itself in its details (the event's data). */
export function requestAudit(r: ChangeRequest, action: AuditAction, actor: Actor, now: Date, details: Record<string, unknown> = {}) {
  const { nonce: _nonce, sendOperations: _sends, ...request } = r;
  return recordAudit(
    auditEvent(r.partnerId, action, actor, now, { customerId: r.customerId, details: { accessRequest: request, ...details } }),
  );
}

export const saveChangeRequest = (request: ChangeRequest, version?: string): Change => ({ kind: 'saveChangeRequest', request, version });

/** An invitation's field names say `access.`; this route's body has them at the top. */
function resolveRequested(body: NewChangeRequest, held: string[]) {
  try {
    return resolveAccess({ roles: body.roles ?? (held.length ? held : undefined), duration: body.duration, autoExtend: body.autoExtend });
  } catch (err) {
    if (!(err instanceof AppError) || !err.errors) throw err;
    throw badRequest(err.detail, Object.fromEntries(Object.entries(err.errors).map(([k, v]) => [k.replace(/^access\./, ''), v])));
  }
}

export async function requestChange(
  deps: ChangeRequestDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  body: NewChangeRequest,
  acceptLanguageLocale: Locale,
): Promise<ChangeRequestView> {
  const first = await deps.store.relationship(partner.id, customerId);
  if (!first) throw notFound(`No relationship with customer ${customerId}.`);
  const requested = resolveRequested(body, heldRoles(first.value.delegatedAdmin));
  // The relationship's invitation says where the draft goes and in which language (the reseller's, for a provider).
  const inv = await deps.store.invitation(first.value.resellerId ?? partner.id, first.value.invitationId);
  return retryOnConflict(async () => {
    const [found, latest] = await Promise.all([
      deps.store.relationship(partner.id, customerId),
      deps.store.latestChangeRequest(partner.id, customerId),
    ]);
    const rel = found?.value;
    if (!rel) throw notFound(`No relationship with customer ${customerId}.`);
    const grant = rel.delegatedAdmin;
    if (rel.status !== 'active' || (grant.status !== 'granted' && grant.status !== 'expired')) {
      throw conflict(
        `Access can be changed only on an active relationship whose delegated admin is granted or expired; with customer ${customerId} it is ${rel.status === 'active' ? grant.status : 'removed'}. Invite the customer again instead.`,
        'delegated-admin-not-changeable',
      );
    }
    const now = deps.clock.now();
    const actor = actorOf(principal);
    const held = heldRoles(grant);
    const request: ChangeRequest = {
      id: newInvitationId(now),
      partnerId: partner.id,
      partnerName: partner.name,
      customerId,
      companyName: rel.companyName,
      to: inv?.value.customer.email ?? '',
      status: 'pending',
      nonce: newNonce(),
      locale: body.locale ?? inv?.value.locale ?? acceptLanguageLocale,
      current: { roles: held, endsAt: grant.endsAt, autoExtend: grant.autoExtend },
      requested,
      ...diffRoles(held, requested.roles),
      expiresAt: new Date(now.getTime() + deps.settings.invitationTtlDays * 86_400_000).toISOString(),
      createdAt: now.toISOString(),
      createdBy: actor,
      email: { status: 'notSent' },
    };
    const previous = latest ? await deps.store.changeRequest(partner.id, customerId, latest.value) : undefined;
    const superseding = previous && effectiveRequestStatus(previous.value, now) === 'pending' ? previous : undefined;
    const changes: Change[] = [
      saveChangeRequest(request),
      { kind: 'markLatestChangeRequest', customerId, requestId: request.id, version: latest?.version },
      requestAudit(request, 'delegatedAdmin.changeRequested', actor, now, superseding ? { supersedes: superseding.value.id } : {}),
    ];
    if (superseding) {
      const closed: ChangeRequest = {
        ...superseding.value,
        status: 'superseded',
        closedAt: now.toISOString(),
        closedBy: actor,
        supersededBy: request.id,
      };
      changes.push(saveChangeRequest(closed, superseding.version));
    }
    await deps.store.commit(partner.id, changes);
    return requestView(deps.settings, request, now);
  });
}

async function requireRequest(deps: Pick<ChangeRequestDeps, 'store'>, partnerId: string, customerId: string, id: string) {
  const found = await deps.store.changeRequest(partnerId, customerId, id);
  if (!found) throw notFound(`No access request ${id} for customer ${customerId}.`);
  return found;
}

export async function listChangeRequests(
  deps: Pick<ChangeRequestDeps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  customerId: string,
  page: PageRequest,
): Promise<Page<ChangeRequestView>> {
  const [found, requests] = await Promise.all([
    deps.store.relationship(partner.id, customerId),
    deps.store.changeRequests(partner.id, customerId, page),
  ]);
  if (!found) throw notFound(`No relationship with customer ${customerId}.`);
  const now = deps.clock.now();
  return { ...requests, items: requests.items.map((r) => requestView(deps.settings, r, now)) };
}

export async function getChangeRequest(
  deps: Pick<ChangeRequestDeps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  customerId: string,
  id: string,
): Promise<ChangeRequestView> {
  return requestView(deps.settings, (await requireRequest(deps, partner.id, customerId, id)).value, deps.clock.now());
}

export const requestNotPending = (r: ChangeRequest, now: Date, verb: string) =>
  conflict(`Only a pending access request can be ${verb}; this one is ${effectiveRequestStatus(r, now)}.`, 'request-not-pending');

/** Revokes a pending request: its link answers 410. Revoking again returns it as it is. */
export function revokeChangeRequest(
  deps: ChangeRequestDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  id: string,
): Promise<ChangeRequestView> {
  return retryOnConflict(async () => {
    const { value: r, version } = await requireRequest(deps, partner.id, customerId, id);
    const now = deps.clock.now();
    if (r.status === 'revoked') return requestView(deps.settings, r, now);
    if (effectiveRequestStatus(r, now) !== 'pending') throw requestNotPending(r, now, 'revoked');
    const actor = actorOf(principal);
    const revoked: ChangeRequest = { ...r, status: 'revoked', closedAt: now.toISOString(), closedBy: actor };
    await deps.store.commit(partner.id, [
      saveChangeRequest(revoked, version),
      requestAudit(revoked, 'delegatedAdmin.changeRevoked', actor, now),
    ]);
    return requestView(deps.settings, revoked, now);
  });
}
