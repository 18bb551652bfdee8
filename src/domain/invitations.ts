/**
 * Invitations, the partner's side: create (with a bilingual draft), list, get, send, revoke.
 * Every change commits with its audit event in the partner's partition, guarded by the row's ETag.
 */
import { createHash } from 'node:crypto';
import type { CreateInvitationBody, InvitationStatus, InvitationView, Locale, SendInvitationBody } from '../api/schemas';
import { auditEvent, auditOps, type AuditEvent } from './audit';
import { buildDraft, type Draft } from './drafts';
import { AppError, badRequest, conflict, forbidden, notFound, WriteConflict } from './errors';
import { INVITATION, RELATIONSHIP, prefixEnd } from './keys';
import { actorOf, type Actor, type Partner, type Principal } from './model';
import { findPartner } from './partners';
import type { Clock, Condition, Mailer, Store, StoredRow } from './ports';
import { decodeContinuation, encodeContinuation, makeLinkToken, newInvitationId, newNonce } from './tokens';

export interface Invitation {
  id: string;
  partnerId: string;
  partnerName: string;
  kind: 'reseller' | 'resellerAndIndirectProvider';
  indirectProviderId?: string;
  providerName?: string;
  customer: { tenantId?: string; companyName: string; domain?: string; email: string };
  /** Stored status; a pending invitation past its expiry reads as expired. */
  status: InvitationStatus;
  nonce: string;
  expiresAt: string;
  locale: Locale;
  email: { status: 'notSent' | 'sent' | 'failed'; sentAt?: string; operationId?: string; error?: string };
  createdAt: string;
  createdBy: Actor;
  acceptedAt?: string;
  acceptedBy?: Actor;
  customerId?: string;
  closedAt?: string;
  closedBy?: Actor;
  /** For the combined kind: whether the provider's relationship has been written. */
  providerStep?: 'pending' | 'done';
}

export interface StoredInvitation {
  invitation: Invitation;
  etag: string;
}

export interface Settings {
  signingKey: string;
  publicBaseUrl: string;
  invitationTtlDays: number;
}

export const invitationRowKey = (id: string) => `${INVITATION}${id}`;

export function invitationRow(inv: Invitation) {
  return {
    doc: JSON.stringify(inv),
    status: inv.status,
    expiresAt: inv.expiresAt,
    ...(inv.providerStep ? { providerStep: inv.providerStep } : {}),
  };
}

export function fromRow(row: StoredRow): StoredInvitation {
  return { invitation: JSON.parse(String(row.data.doc)) as Invitation, etag: row.etag };
}

export function effectiveStatus(inv: Invitation, now: Date): InvitationStatus {
  return inv.status === 'pending' && now.getTime() >= Date.parse(inv.expiresAt) ? 'expired' : inv.status;
}

export function linkOf(settings: Settings, inv: Invitation): string {
  return `${settings.publicBaseUrl}/api/accept/${makeLinkToken(settings.signingKey, inv.partnerId, inv.id, inv.nonce)}`;
}

export function draftOf(settings: Settings, inv: Invitation): Draft {
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

/** What the partner sees: the link and the draft only while the invitation is pending. */
export function toView(settings: Settings, inv: Invitation, now: Date): InvitationView {
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

export async function loadInvitation(store: Store, partnerId: string, id: string): Promise<StoredInvitation | undefined> {
  const row = await store.get('data', partnerId, invitationRowKey(id));
  return row ? fromRow(row) : undefined;
}

async function requireInvitation(store: Store, partnerId: string, id: string): Promise<StoredInvitation> {
  const found = await loadInvitation(store, partnerId, id);
  if (!found) throw notFound(`No invitation ${id}.`);
  return found;
}

// ---------------------------------------------------------------- create

export interface CreateDeps {
  store: Store;
  clock: Clock;
  mailer: Mailer | undefined;
  settings: Settings;
}

export async function createInvitation(
  deps: CreateDeps,
  partner: Partner,
  principal: Principal,
  body: CreateInvitationBody,
  acceptLanguageLocale: Locale,
): Promise<InvitationView> {
  if (partner.kind !== 'reseller') {
    throw forbidden('Only resellers can invite customers; indirect providers are invited together with a reseller.', 'not-a-reseller');
  }
  if (body.send && !deps.mailer) throw emailNotConfigured();
  let providerName: string | undefined;
  if (body.indirectProviderId) {
    const linked = partner.indirectProviderIds.includes(body.indirectProviderId);
    const provider = linked ? await findPartner(deps.store, body.indirectProviderId) : undefined;
    if (!provider || provider.kind !== 'indirectProvider') {
      throw badRequest('indirectProviderId is not one of your linked indirect providers.', {
        indirectProviderId: ['is not an indirect provider linked to your organisation'],
      });
    }
    providerName = provider.name;
  }
  const tenantId = body.customer.tenantId;
  if (tenantId) {
    if (tenantId === partner.id || tenantId === body.indirectProviderId) {
      throw badRequest('A partner cannot invite its own tenant.', { 'customer.tenantId': ['is a partner of this invitation'] });
    }
    const existing = await deps.store.get('data', partner.id, `${RELATIONSHIP}${tenantId}`);
    if (existing?.data.status === 'active') {
      throw conflict(`Customer ${tenantId} already has an active relationship with you.`, 'relationship-exists');
    }
  }
  const now = deps.clock.now();
  const inv: Invitation = {
    id: newInvitationId(now),
    partnerId: partner.id,
    partnerName: partner.name,
    kind: body.indirectProviderId ? 'resellerAndIndirectProvider' : 'reseller',
    ...(body.indirectProviderId ? { indirectProviderId: body.indirectProviderId, providerName } : {}),
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
  const etags = await deps.store.commit('data', partner.id, [
    { kind: 'insert', rk: invitationRowKey(inv.id), data: invitationRow(inv) },
    ...auditOps(event),
  ]);
  if (body.send) {
    try {
      return await sendInvitation(
        deps,
        partner,
        principal,
        inv.id,
        {},
        { invitation: inv, etag: etags.get(invitationRowKey(inv.id)) ?? '' },
      );
    } catch (err) {
      // The invitation exists: answer 201 with the failure recorded on it, not an error.
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
  deps: { store: Store; clock: Clock; settings: Settings },
  partner: Partner,
  q: { status: InvitationStatus | 'all'; pageSize: number; continuationToken?: string | undefined },
): Promise<{ items: InvitationView[]; continuationToken?: string }> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const where: Condition[] = [];
  switch (q.status) {
    case 'all':
      break;
    case 'pending':
      where.push({ prop: 'status', op: 'eq', value: 'pending' }, { prop: 'expiresAt', op: 'ge', value: nowIso });
      break;
    case 'expired':
      // Stored as expired, or still pending past its expiry.
      where.push(
        { prop: 'expiresAt', op: 'lt', value: nowIso },
        { prop: 'status', op: 'ne', value: 'accepted' },
        { prop: 'status', op: 'ne', value: 'declined' },
        { prop: 'status', op: 'ne', value: 'revoked' },
      );
      break;
    default:
      where.push({ prop: 'status', op: 'eq', value: q.status });
  }
  const scope = `invitations|${partner.id}|${q.status}`;
  const after = decodeContinuation(deps.settings.signingKey, scope, q.continuationToken);
  const rows = await deps.store.range('data', partner.id, {
    from: after ? `${after}\u0000` : INVITATION,
    to: prefixEnd(INVITATION),
    where,
    limit: q.pageSize + 1,
  });
  const page = rows.slice(0, q.pageSize);
  const items = page.map((r) => toView(deps.settings, fromRow(r).invitation, now));
  const last = page.at(-1);
  return rows.length > q.pageSize && last
    ? { items, continuationToken: encodeContinuation(deps.settings.signingKey, scope, last.rk) }
    : { items };
}

export async function getInvitation(
  deps: { store: Store; clock: Clock; settings: Settings },
  partner: Partner,
  id: string,
): Promise<InvitationView> {
  const { invitation } = await requireInvitation(deps.store, partner.id, id);
  return toView(deps.settings, invitation, deps.clock.now());
}

// ---------------------------------------------------------------- transitions

/**
 * Applies `change` to the invitation and commits it with its audit events, re-reading and
 * retrying when another writer got there first (ETag). `change` decides from the current state
 * and may throw; it returns undefined when there is nothing to write.
 */
export async function transition(
  store: Store,
  partnerId: string,
  start: StoredInvitation,
  change: (inv: Invitation) => { next: Invitation; events: AuditEvent[] } | undefined,
): Promise<StoredInvitation> {
  let current = start;
  for (let attempt = 0; ; attempt++) {
    const result = change(current.invitation);
    if (!result) return current;
    const rk = invitationRowKey(result.next.id);
    try {
      const etags = await store.commit('data', partnerId, [
        { kind: 'replace', rk, data: invitationRow(result.next), etag: current.etag },
        ...result.events.flatMap(auditOps),
      ]);
      return { invitation: result.next, etag: etags.get(rk) ?? '' };
    } catch (err) {
      if (!(err instanceof WriteConflict) || attempt >= 4) throw err;
      current = await requireInvitation(store, partnerId, current.invitation.id);
    }
  }
}

/** A pending invitation past its expiry is recorded as expired (with its audit event) when next touched. */
export function expireIfDue(inv: Invitation, now: Date): { next: Invitation; events: AuditEvent[] } | undefined {
  if (inv.status !== 'pending' || effectiveStatus(inv, now) !== 'expired') return undefined;
  const system: Actor = { id: 'system', name: 'system', tenantId: inv.partnerId };
  return {
    next: { ...inv, status: 'expired', closedAt: now.toISOString() },
    events: [auditEvent(inv.partnerId, 'invitation.expired', system, now, { invitationId: inv.id, details: { expiresAt: inv.expiresAt } })],
  };
}

const notPending = (inv: Invitation, now: Date, verb: string) =>
  conflict(`Only pending invitations can be ${verb}; this one is ${effectiveStatus(inv, now)}.`, 'invitation-not-pending');

export async function revokeInvitation(
  deps: { store: Store; clock: Clock; settings: Settings },
  partner: Partner,
  principal: Principal,
  id: string,
): Promise<InvitationView> {
  const start = await requireInvitation(deps.store, partner.id, id);
  const now = deps.clock.now();
  const done = await transition(deps.store, partner.id, start, (inv) => {
    if (inv.status === 'revoked') return undefined; // idempotent
    const expiry = expireIfDue(inv, now);
    if (expiry) return expiry;
    if (inv.status !== 'pending') throw notPending(inv, now, 'revoked');
    const actor = actorOf(principal);
    return {
      next: { ...inv, status: 'revoked', closedAt: now.toISOString(), closedBy: actor },
      events: [
        auditEvent(partner.id, 'invitation.revoked', actor, now, {
          invitationId: inv.id,
          ...(inv.customer.tenantId ? { customerId: inv.customer.tenantId } : {}),
        }),
      ],
    };
  });
  if (done.invitation.status === 'expired') throw notPending(done.invitation, now, 'revoked');
  return toView(deps.settings, done.invitation, now);
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
  deps: CreateDeps,
  partner: Partner,
  principal: Principal,
  id: string,
  edits: SendInvitationBody,
  loaded?: StoredInvitation,
): Promise<InvitationView> {
  const start = loaded ?? (await requireInvitation(deps.store, partner.id, id));
  const now = deps.clock.now();
  const inv = start.invitation;
  if (effectiveStatus(inv, now) !== 'pending') {
    await transition(deps.store, partner.id, start, (i) => expireIfDue(i, now));
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
  const done = await transition(deps.store, partner.id, start, (current) => {
    const email: Invitation['email'] =
      outcome.status === 'sent'
        ? { status: 'sent', sentAt: now.toISOString(), operationId: outcome.operationId }
        : { status: 'failed', operationId: outcome.operationId, error: outcome.error };
    const events =
      outcome.status === 'sent'
        ? [
            auditEvent(partner.id, 'invitation.sent', actor, now, {
              invitationId: current.id,
              ...(current.customer.tenantId ? { customerId: current.customer.tenantId } : {}),
              details: { operationId: outcome.operationId, edited: Object.keys(edits).length > 0 },
            }),
          ]
        : [];
    return { next: { ...current, email }, events };
  });
  if (outcome.status === 'failed') {
    throw new AppError({
      status: outcome.retryable ? 503 : 502,
      code: 'email-send-failed',
      title: 'The email could not be sent',
      detail: `Azure Communication Services did not accept the email: ${outcome.error}. The invitation is still pending; its link and draft remain usable.`,
      ...(outcome.retryable ? { headers: { 'Retry-After': '60' } } : {}),
    });
  }
  return toView(deps.settings, done.invitation, now);
}
