/**
 * Invitations, the partner's side: create (with a bilingual draft), list, get, send, revoke.
 * Every change commits with its audit event in the partner's data, guarded by the invitation's version.
 */
import { createHash } from 'node:crypto';
import { buildDraft, type Draft } from '../views/drafts';
import { auditEvent, recordAudit, withHistory } from './audit';
import { AppError, badRequest, conflict, forbidden, limited, notFound, unprocessable } from './errors';
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
import { htmlHasVisibleLink, textHasLink } from './emailLinks';
import { findPartner, isSuspended } from './partners';
import type { Change, CreationRecord, Deps } from './ports';
import { retryOnConflict } from './retry';
import { makeLinkToken, newInvitationId, newNonce } from './tokens';
import { accessOf, resolveAccess, type AccessRequest } from './grant';
import type { DelegatedAccess } from './model';

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
  /** The delegated admin roles, duration and auto-extension asked for. */
  access: DelegatedAccess;
}

export interface NewInvitation {
  customer: { tenantId?: string | undefined; companyName: string; domain?: string | undefined; email: string };
  indirectProviderId?: string | undefined;
  locale?: Locale | undefined;
  send: boolean;
  /** Delegated admin roles and duration (default: the readers for two years). */
  access?: AccessRequest | undefined;
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
    access: accessOf(inv),
    customerUrl: settings.customerPageUrl,
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
    access: accessOf(inv),
  };
}

async function requireInvitation(deps: Pick<Deps, 'store'>, partnerId: string, id: string): Promise<Versioned<Invitation>> {
  const found = await deps.store.invitation(partnerId, id);
  if (!found) throw notFound(`No invitation ${id}.`);
  return found;
}

// ---------------------------------------------------------------- create

/** Validates a new invitation and builds it with its audit event (nothing is written). */
async function prepareInvitation(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  body: NewInvitation,
  acceptLanguageLocale: Locale,
): Promise<{ inv: Invitation; changes: Change[] }> {
  if (partner.kind !== 'reseller') {
    throw forbidden('Only resellers can invite customers; indirect providers are invited together with a reseller.', 'not-a-reseller');
  }
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
  return { inv: stored, changes: [{ kind: 'createInvitation', invitation: stored }, recordAudit(event)] };
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
  if (idempotencyKey !== undefined) return createOnce(deps, partner, principal, body, acceptLanguageLocale, idempotencyKey);
  const { inv, changes } = await prepareInvitation(deps, partner, principal, body, acceptLanguageLocale);
  const [version] = await deps.store.commit(partner.id, changes);
  const created = { value: inv, version: version ?? '' };
  return body.send ? sendAfterCreate(deps, partner, principal, created) : toView(deps.settings, inv, deps.clock.now());
}

// ---------------------------------------------------------------- idempotency keys

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with object keys in order and undefined members left out: equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The first answer to a key, again: as it was answered, at the time it was answered. */
async function replay(deps: Pick<Deps, 'store' | 'settings'>, partner: Partner, record: CreationRecord): Promise<InvitationView> {
  // Without the answer (the first request's send was still running, or it stopped before it
  // could record it), the invitation as it is now stands in.
  const inv = record.answer ?? (await requireInvitation(deps, partner.id, record.invitationId)).value;
  return toView(deps.settings, inv, new Date(record.at));
}

/**
 * A creation under an Idempotency-Key: the key's record is written in the SAME commit as the
 * invitation, so an invitation never exists without its key, and of two concurrent requests
 * with one key exactly one can insert it (the other reads it and replays). A record older than
 * 24 h is ignored (and replaced by the next creation under its key).
 */
async function createOnce(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  body: NewInvitation,
  acceptLanguageLocale: Locale,
  key: string,
): Promise<InvitationView> {
  if (!IDEMPOTENCY_KEY_FORMAT.test(key)) {
    throw badRequest('The Idempotency-Key header must be 1 to 255 visible ASCII characters.', {
      'Idempotency-Key': ['must be 1 to 255 visible ASCII characters'],
    });
  }
  const keyHash = sha256(key);
  const requestHash = sha256(canonicalJson(body));
  const outcome = await retryOnConflict(async () => {
    const found = await deps.store.creationRecord(partner.id, keyHash);
    const now = deps.clock.now();
    if (found && now.getTime() - Date.parse(found.value.at) < IDEMPOTENCY_WINDOW_MS) {
      if (found.value.requestHash !== requestHash) {
        throw unprocessable(
          'This Idempotency-Key was already used in the last 24 hours with another request body. Use a new key for a new invitation.',
          'idempotency-key-reused',
        );
      }
      return { kind: 'replayed' as const, view: await replay(deps, partner, found.value) };
    }
    const { inv, changes } = await prepareInvitation(deps, partner, principal, body, acceptLanguageLocale);
    const record: CreationRecord = { keyHash, requestHash, invitationId: inv.id, at: inv.createdAt, ...(body.send ? {} : { answer: inv }) };
    // A concurrent request with the same key that committed first makes this a WriteConflict:
    // read again, and replay its answer.
    const versions = await deps.store.commit(partner.id, [...changes, { kind: 'rememberCreation', record, version: found?.version }]);
    return { kind: 'created' as const, created: { value: inv, version: versions[0] ?? '' }, record, recordVersion: versions.at(-1) };
  });
  if (outcome.kind === 'replayed') return outcome.view;
  if (!body.send) return toView(deps.settings, outcome.created.value, new Date(outcome.record.at));
  const view = await sendAfterCreate(deps, partner, principal, outcome.created);
  // Bookkeeping: the answer, for replays. If it cannot be written, a replay shows the invitation as it is then.
  const sent = await deps.store.invitation(partner.id, outcome.created.value.id).catch(() => undefined);
  if (sent && outcome.recordVersion) {
    await deps.store
      .commit(partner.id, [{ kind: 'rememberCreation', record: { ...outcome.record, answer: sent.value }, version: outcome.recordVersion }])
      .catch(() => undefined);
  }
  return view;
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

/** Which edited bodies do not carry the link as the link (see emailLinks.ts): 400 `link-missing` naming them. */
function checkEditedLink(edits: DraftEdits, url: string): void {
  const errors: Record<string, string[]> = {};
  if (edits.text !== undefined && !textHasLink(edits.text, url)) {
    errors.text = [`must contain the invitation URL ${url} as a link (not followed by more URL characters)`];
  }
  if (edits.html !== undefined) {
    const check = htmlHasVisibleLink(edits.html, url);
    if (!check.ok) errors.html = [check.reason];
  }
  if (Object.keys(errors).length) {
    throw badRequest('An edited draft must still show the invitation link exactly as given.', errors, 'link-missing');
  }
}

/** The UTC day of a moment (the day of the partner's send counter). */
export const utcDay = (now: Date) => now.toISOString().slice(0, 10);

/** Seconds until the next UTC midnight, when the day's send counter starts again. */
export const secondsUntilNextUtcDay = (now: Date) => {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
};

const dailyLimitReached = (limit: number, now: Date) =>
  limited(
    `Your organisation has sent ${limit} invitation emails today (UTC), the most allowed per day; sending starts again at 00:00 UTC. The draft stays usable: copy it and send it yourself.`,
    secondsUntilNextUtcDay(now),
  );

async function checkDailySendLimit(deps: Pick<Deps, 'store' | 'settings'>, partnerId: string, now: Date): Promise<void> {
  const limit = deps.settings.sendLimits.perPartnerPerDay;
  if (((await deps.store.sendsOn(partnerId, utcDay(now)))?.value ?? 0) >= limit) throw dailyLimitReached(limit, now);
}

/** Counter contention (one partner's concurrent sends) may take more rounds than a single record's. */
const SEND_RESERVATION_ATTEMPTS = 32;

/**
 * Reserves one send of the message `operationId` before it goes out: the invitation's list of
 * messages and the partner's counter of the UTC day grow in ONE commit, guarded by both
 * versions, so concurrent sends on any number of instances can never exceed either limit. The
 * same message again (a retry of the same draft, sent, failed or still in flight) reserves
 * nothing: the email service never sends one operation twice. A reserved send counts even if
 * the email service then fails (it may have delivered).
 */
async function reserveSend(deps: Deps, start: Versioned<Invitation>, operationId: string, now: Date): Promise<Versioned<Invitation>> {
  const { perInvitation, perPartnerPerDay } = deps.settings.sendLimits;
  const day = utcDay(now);
  return retryOnConflict(async (attempt) => {
    const current = attempt === 0 ? start : await requireInvitation(deps, start.value.partnerId, start.value.id);
    const inv = current.value;
    if (effectiveStatus(inv, now) !== 'pending') throw notPending(inv, now, 'sent');
    const reserved = inv.sendOperations ?? [];
    if (reserved.includes(operationId)) return current;
    if (reserved.length >= perInvitation) {
      throw limited(
        `This invitation has been sent ${reserved.length} times, the most allowed (${perInvitation}). Copy the link and send it yourself, or revoke it and create a new invitation.`,
        (Date.parse(inv.expiresAt) - now.getTime()) / 1000,
      );
    }
    const counter = await deps.store.sendsOn(inv.partnerId, day);
    const count = counter?.value ?? 0;
    if (count >= perPartnerPerDay) throw dailyLimitReached(perPartnerPerDay, now);
    const next: Invitation = { ...inv, sendOperations: [...reserved, operationId] };
    const [version] = await deps.store.commit(inv.partnerId, [
      { kind: 'updateInvitation', invitation: next, version: current.version },
      { kind: 'countSends', day, count: count + 1, version: counter?.version },
    ]);
    return { value: next, version: version ?? '' };
  }, SEND_RESERVATION_ATTEMPTS);
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
  // The edited draft is checked before the invitation's state and the email settings (400 before 409).
  checkEditedLink(edits, linkOf(deps.settings, inv));
  if (effectiveStatus(inv, now) !== 'pending') {
    await transition(deps, start, (i) => expireIfDue(i, now));
    throw notPending(inv, now, 'sent');
  }
  if (!deps.mailer) throw emailNotConfigured();

  const original = draftOf(deps.settings, inv);
  const draft: Draft = {
    to: original.to,
    subject: edits.subject ?? original.subject,
    text: edits.text ?? original.text,
    html: edits.html ?? original.html,
  };
  const operationId = sendOperationId(inv, draft);

  // A retried send of the same draft that already went out is not sent again.
  if (inv.email.status === 'sent' && inv.email.operationId === operationId) return toView(deps.settings, inv, now);

  const reserved = await reserveSend(deps, start, operationId, now);
  const outcome = await deps.mailer.send({ operationId, ...draft });
  const actor = actorOf(principal);
  const done = await transition(deps, reserved, (current) => {
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
    const next = { ...current, email };
    return { next: current.customer.tenantId ? next : withHistory(next, events), changes: events.map(recordAudit) };
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
