/**
 * Creating an invitation (with its bilingual draft), optionally sending it at once, optionally
 * under an Idempotency-Key (src/domain/idempotency.ts).
 */
import { auditEvent, recordAudit, withHistory } from './audit';
import { invitationWarning } from './endingSoon';
import { AppError, badRequest, conflict, forbidden } from './errors';
import { resolveAccess, type AccessRequest } from './grant';
import { createOnce } from './idempotency';
import { checkDailySendLimit, emailNotConfigured, sendInvitation } from './invitationSending';
import { getInvitation, toView, type InvitationView } from './invitationViews';
import { actorOf, type Invitation, type Locale, type Partner, type Principal, type Versioned } from './model';
import { findPartner, isSuspended } from './partners';
import type { Change, Deps, FollowUp } from './ports';
import { newInvitationId, newNonce } from './tokens';

export interface NewInvitation {
  customer: { tenantId?: string | undefined; companyName: string; domain?: string | undefined; email: string };
  indirectProviderId?: string | undefined;
  locale?: Locale | undefined;
  send: boolean;
  /** Delegated admin roles and duration (default: the readers for two years). */
  access?: AccessRequest | undefined;
  /** One reminder email 3 days before expiry, when the draft was sent through the service. */
  reminder?: boolean | undefined;
}

/** Validates a new invitation and builds it with its audit event (nothing is written; a batch's dry run stops here). */
export async function prepareInvitation(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  body: NewInvitation,
  acceptLanguageLocale: Locale,
): Promise<{ inv: Invitation; changes: Change[]; follow: FollowUp }> {
  assertReseller(partner);
  const access = resolveAccess(body.access);
  if (body.send && !deps.mailer) throw emailNotConfigured();
  let providerName: string | undefined;
  if (body.indirectProviderId) {
    const linked = partner.indirectProviderIds.includes(body.indirectProviderId);
    const provider = linked ? await findPartner(deps.directory, body.indirectProviderId) : undefined;
    if (!provider || provider.kind !== 'indirectProvider') {
      throw badRequest('indirectProviderId is not one of your linked indirect providers.', {
        indirectProviderId: ['is not an indirect provider linked to your organisation'],
      });
    }
    if (isSuspended(provider)) {
      throw badRequest('indirectProviderId is suspended by the operator.', { indirectProviderId: ['is a suspended indirect provider'] });
    }
    providerName = provider.name;
  }
  const tenantId = body.customer.tenantId;
  if (tenantId) {
    if (tenantId === partner.id || tenantId === body.indirectProviderId) {
      throw badRequest('A partner cannot invite its own tenant.', { 'customer.tenantId': ['is a partner of this invitation'] });
    }
    const existing = await deps.store.relationship(partner.id, tenantId);
    if (existing?.value.status === 'active') {
      throw conflict(`Customer ${tenantId} already has an active relationship with you.`, 'relationship-exists');
    }
  }
  const now = deps.clock.now();
  // Creating and sending at once past the day's limit creates nothing.
  if (body.send) await checkDailySendLimit(deps, partner.id, now);
  const inv: Invitation = {
    id: newInvitationId(now),
    partnerId: partner.id,
    partnerName: partner.name,
    kind: body.indirectProviderId ? 'resellerAndIndirectProvider' : 'reseller',
    ...(body.indirectProviderId && providerName !== undefined ? { indirectProviderId: body.indirectProviderId, providerName } : {}),
    customer: {
      ...(tenantId ? { tenantId } : {}),
      companyName: body.customer.companyName,
      ...(body.customer.domain ? { domain: body.customer.domain } : {}),
      email: body.customer.email,
    },
    status: 'pending',
    nonce: newNonce(),
    expiresAt: new Date(now.getTime() + deps.settings.invitationTtlDays * 86_400_000).toISOString(),
    locale: body.locale ?? acceptLanguageLocale,
    email: { status: 'notSent' },
    createdAt: now.toISOString(),
    createdBy: actorOf(principal),
    access,
    ...(body.reminder ? { reminder: true } : {}),
  };
  const event = auditEvent(partner.id, 'invitation.created', inv.createdBy, now, {
    invitationId: inv.id,
    ...(tenantId ? { customerId: tenantId } : {}),
    details: {
      kind: inv.kind,
      companyName: inv.customer.companyName,
      ...(inv.indirectProviderId ? { indirectProviderId: inv.indirectProviderId } : {}),
      access,
    },
  });
  // An unbound invitation carries its events, for its customer's audit once it is answered.
  const stored = tenantId ? inv : withHistory(inv, [event]);
  // Its warning before it expires rides with the commit's announcement (written after the answer).
  const warning = invitationWarning(inv, now);
  return {
    inv: stored,
    changes: [{ kind: 'createInvitation', invitation: stored }, recordAudit(event)],
    follow: { warnings: warning ? [warning] : [] },
  };
}

export function assertReseller(partner: Partner): void {
  if (partner.kind !== 'reseller') {
    throw forbidden('Only resellers can invite customers; indirect providers are invited together with a reseller.', 'not-a-reseller');
  }
}

/** `send: true`: the first send, right after the commit; a failure or a limit leaves the invitation as the answer. */
async function sendAfterCreate(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  created: Versioned<Invitation>,
): Promise<InvitationView> {
  try {
    return await sendInvitation(deps, partner, principal, created.value.id, {}, created);
  } catch (err) {
    // The invitation exists: answer with it (and the failure recorded on it), not an error.
    if (!(err instanceof AppError) || (err.code !== 'email-send-failed' && err.code !== 'send-limit')) throw err;
    return getInvitation(deps, partner, created.value.id);
  }
}

export async function createInvitation(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  body: NewInvitation,
  acceptLanguageLocale: Locale,
  /** The request's Idempotency-Key header, when given. */
  idempotencyKey?: string,
): Promise<InvitationView> {
  if (idempotencyKey !== undefined) {
    return createOnce(deps, partner, idempotencyKey, body, {
      prepare: () => prepareInvitation(deps, partner, principal, body, acceptLanguageLocale),
      send: (created) => sendAfterCreate(deps, partner, principal, created),
    });
  }
  const { inv, changes, follow } = await prepareInvitation(deps, partner, principal, body, acceptLanguageLocale);
  const [version] = await deps.store.commit(partner.id, changes, follow);
  const created = { value: inv, version: version ?? '' };
  return body.send ? sendAfterCreate(deps, partner, principal, created) : toView(deps.settings, inv, deps.clock.now());
}
