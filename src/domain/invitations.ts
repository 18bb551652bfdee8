/**
 * Invitations, the partner's side: create (with a bilingual draft), list, get, send, revoke.
 * Every change commits with its audit event in the partner's data, guarded by the invitation's version.
 */
import { createHash } from 'node:crypto';
import { buildDraft, type Draft } from '../views/drafts';
import { auditEvent, recordAudit } from './audit';
import { AppError, badRequest, conflict, forbidden, notFound } from './errors';
import {
  actorOf,
  systemActor,
  type Actor,
  type AuditEvent,
  type Invitation,
  type InvitationKind,
  type InvitationStatus,
  type Locale,
  type Page,
  type PageRequest,
  type Partner,
  type Principal,
  type Versioned,
} from './model';
import { findPartner, isSuspended } from './partners';
import type { Change, Deps } from './ports';
import { retryOnConflict } from './retry';
import { makeLinkToken, newInvitationId, newNonce } from './tokens';

/** What the inviting partner sees: the link and the draft only while the invitation is pending. */
export interface InvitationView {
  id: string;
  partnerId: string;
  kind: InvitationKind;
  indirectProviderId?: string;
  customer: Invitation['customer'];
  status: InvitationStatus;
  url?: string;
  expiresAt: string;
  locale: Locale;
  draft?: Draft;
  email: Invitation['email'];
  createdAt: string;
  createdBy: Actor;
  acceptedAt?: string;
  acceptedBy?: Actor;
  customerId?: string;
}

export interface NewInvitation {
  customer: { tenantId?: string | undefined; companyName: string; domain?: string | undefined; email: string };
  indirectProviderId?: string | undefined;
  locale?: Locale | undefined;
  send: boolean;
}

export interface DraftEdits {
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
}

export function effectiveStatus(inv: Invitation, now: Date): InvitationStatus {
  return inv.status === 'pending' && now.getTime() >= Date.parse(inv.expiresAt) ? 'expired' : inv.status;
}

export function linkOf(settings: Deps['settings'], inv: Invitation): string {
  return settings.acceptUrl(makeLinkToken(settings.signingKey, inv.partnerId, inv.id, inv.nonce));
}

export function draftOf(settings: Deps['settings'], inv: Invitation): Draft {
  return buildDraft({
    locale: inv.locale,
    to: inv.customer.email,
    resellerName: inv.partnerName,
    providerName: inv.providerName,
    companyName: inv.customer.companyName,
    url: linkOf(settings, inv),
    expiresAt: inv.expiresAt,
  });
}

export function toView(settings: Deps['settings'], inv: Invitation, now: Date): InvitationView {
  const status = effectiveStatus(inv, now);
  const pending = status === 'pending';
  return {
    id: inv.id,
    partnerId: inv.partnerId,
    kind: inv.kind,
    ...(inv.indirectProviderId ? { indirectProviderId: inv.indirectProviderId } : {}),
    customer: inv.customer,
    status,
    ...(pending ? { url: linkOf(settings, inv), draft: draftOf(settings, inv) } : {}),
    expiresAt: inv.expiresAt,
    locale: inv.locale,
    email: inv.email,
    createdAt: inv.createdAt,
    createdBy: inv.createdBy,
    ...(inv.acceptedAt ? { acceptedAt: inv.acceptedAt } : {}),
    ...(inv.acceptedBy ? { acceptedBy: inv.acceptedBy } : {}),
    ...(inv.customerId ? { customerId: inv.customerId } : {}),
  };
}

async function requireInvitation(deps: Pick<Deps, 'store'>, partnerId: string, id: string): Promise<Versioned<Invitation>> {
  const found = await deps.store.invitation(partnerId, id);
  if (!found) throw notFound(`No invitation ${id}.`);
  return found;
}

// ---------------------------------------------------------------- create

export async function createInvitation(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  body: NewInvitation,
  acceptLanguageLocale: Locale,
): Promise<InvitationView> {
  if (partner.kind !== 'reseller') {
    throw forbidden('Only resellers can invite customers; indirect providers are invited together with a reseller.', 'not-a-reseller');
  }
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
  };
  const event = auditEvent(partner.id, 'invitation.created', inv.createdBy, now, {
    invitationId: inv.id,
    ...(tenantId ? { customerId: tenantId } : {}),
    details: {
      kind: inv.kind,
      companyName: inv.customer.companyName,
      ...(inv.indirectProviderId ? { indirectProviderId: inv.indirectProviderId } : {}),
    },
  });
  const [version] = await deps.store.commit(partner.id, [{ kind: 'createInvitation', invitation: inv }, recordAudit(event)]);
  if (body.send) {
    try {
      return await sendInvitation(deps, partner, principal, inv.id, {}, { value: inv, version: version ?? '' });
    } catch (err) {
      // The invitation exists: answer with the failure recorded on it, not an error.
      if (!(err instanceof AppError) || err.code !== 'email-send-failed') throw err;
      return getInvitation(deps, partner, inv.id);
    }
  }
  return toView(deps.settings, inv, now);
}

export const emailNotConfigured = () =>
  conflict(
    'Email is not configured for this service (ACS_CONNECTION_STRING or ACS_ENDPOINT, and EMAIL_SENDER_ADDRESS). Copy the draft and send it yourself.',
    'email-not-configured',
  );

// ---------------------------------------------------------------- list / get

export async function listInvitations(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  query: { status: InvitationStatus | 'all' } & PageRequest,
): Promise<Page<InvitationView>> {
  const now = deps.clock.now();
  const page = await deps.store.invitations(partner.id, { status: query.status, now }, query);
  return { ...page, items: page.items.map((inv) => toView(deps.settings, inv, now)) };
}

export async function getInvitation(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  id: string,
): Promise<InvitationView> {
  const { value } = await requireInvitation(deps, partner.id, id);
  return toView(deps.settings, value, deps.clock.now());
}

// ---------------------------------------------------------------- transitions

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
      { kind: 'updateInvitation', invitation: result.next, version: current.version },
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

const notPending = (inv: Invitation, now: Date, verb: string) =>
  conflict(`Only pending invitations can be ${verb}; this one is ${effectiveStatus(inv, now)}.`, 'invitation-not-pending');

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

// ---------------------------------------------------------------- send

/** The email service's idempotency key: one per invitation, link nonce and exact draft. */
export function sendOperationId(inv: Invitation, draft: Draft): string {
  const h = createHash('sha256')
    .update(JSON.stringify([inv.id, inv.nonce, draft.to, draft.subject, draft.text, draft.html]))
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export async function sendInvitation(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  id: string,
  edits: DraftEdits,
  loaded?: Versioned<Invitation>,
): Promise<InvitationView> {
  const start = loaded ?? (await requireInvitation(deps, partner.id, id));
  const now = deps.clock.now();
  const inv = start.value;
  if (effectiveStatus(inv, now) !== 'pending') {
    await transition(deps, start, (i) => expireIfDue(i, now));
    throw notPending(inv, now, 'sent');
  }
  if (!deps.mailer) throw emailNotConfigured();

  const original = draftOf(deps.settings, inv);
  const url = linkOf(deps.settings, inv);
  const missing = (['text', 'html'] as const).filter((k) => edits[k] !== undefined && !edits[k].includes(url));
  if (missing.length) {
    throw badRequest(
      'An edited draft must still contain the invitation link exactly as given.',
      Object.fromEntries(missing.map((k) => [k, [`must contain the invitation URL ${url}`]])),
      'link-missing',
    );
  }
  const draft: Draft = {
    to: original.to,
    subject: edits.subject ?? original.subject,
    text: edits.text ?? original.text,
    html: edits.html ?? original.html,
  };
  const operationId = sendOperationId(inv, draft);

  // A retried send of the same draft that already went out is not sent again.
  if (inv.email.status === 'sent' && inv.email.operationId === operationId) return toView(deps.settings, inv, now);

  const outcome = await deps.mailer.send({ operationId, ...draft });
  const actor = actorOf(principal);
  const done = await transition(deps, start, (current) => {
    const email: Invitation['email'] =
      outcome.status === 'sent'
        ? { status: 'sent', sentAt: now.toISOString(), operationId: outcome.operationId }
        : { status: 'failed', operationId: outcome.operationId, error: outcome.error };
    const events: AuditEvent[] =
      outcome.status === 'sent'
        ? [
            auditEvent(partner.id, 'invitation.sent', actor, now, {
              invitationId: current.id,
              ...(current.customer.tenantId ? { customerId: current.customer.tenantId } : {}),
              details: { operationId: outcome.operationId, edited: Object.keys(edits).length > 0 },
            }),
          ]
        : [];
    return { next: { ...current, email }, changes: events.map(recordAudit) };
  });
  if (outcome.status === 'failed') {
    throw new AppError({
      kind: outcome.retryable ? 'unavailable' : 'dependencyFailed',
      code: 'email-send-failed',
      title: 'The email could not be sent',
      detail: `Azure Communication Services did not accept the email: ${outcome.error}. The invitation is still pending; its link and draft remain usable.`,
      ...(outcome.retryable ? { retryAfterSeconds: 60 } : {}),
    });
  }
  return toView(deps.settings, done.value, now);
}
