/**
 * Sending an invitation's email (the draft as it is, or as the partner edited it), within its
 * quotas: distinct messages per invitation, and per partner per UTC day.
 */
import { createHash } from 'node:crypto';
import { auditEvent, recordAudit, withHistory } from './audit';
import type { Draft } from './drafts';
import { htmlHasVisibleLink, textHasLink } from './emailLinks';
import { AppError, badRequest, conflict, limited } from './errors';
import { effectiveStatus, expireIfDue, notPending, requireInvitation, transition } from './invitation';
import { draftOf, linkOf } from './invitationLink';
import { toView, type InvitationView } from './invitationViews';
import { actorOf, type AuditEvent, type Invitation, type Partner, type Principal, type Versioned } from './model';
import type { Deps, SendOutcome } from './ports';
import { retryOnConflict } from './retry';

export interface DraftEdits {
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
}

export const emailNotConfigured = () =>
  conflict(
    'Email is not configured for this service (ACS_CONNECTION_STRING or ACS_ENDPOINT, and EMAIL_SENDER_ADDRESS). Copy the draft and send it yourself.',
    'email-not-configured',
  );

/** The email service's idempotency key: one per invitation, link nonce and exact draft. */
export function sendOperationId(inv: Pick<Invitation, 'id' | 'nonce'>, draft: Draft): string {
  const h = createHash('sha256')
    .update(JSON.stringify([inv.id, inv.nonce, draft.to, draft.subject, draft.text, draft.html]))
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Which edited bodies do not carry the link as the link (see emailLinks.ts): 400 `link-missing` naming them. */
export function checkEditedLink(edits: DraftEdits, url: string): void {
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

export const dailyLimitReached = (limit: number, now: Date) =>
  limited(
    `Your organisation has sent ${limit} invitation emails today (UTC), the most allowed per day; sending starts again at 00:00 UTC. The draft stays usable: copy it and send it yourself.`,
    secondsUntilNextUtcDay(now),
  );

export async function checkDailySendLimit(deps: Pick<Deps, 'store' | 'settings'>, partnerId: string, now: Date): Promise<void> {
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
export async function reserveSend(
  deps: Deps,
  start: Versioned<Invitation>,
  operationId: string,
  now: Date,
): Promise<Versioned<Invitation>> {
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
      { kind: 'updateInvitation', invitation: next, previous: current },
      { kind: 'countSends', day, count: count + 1, version: counter?.version },
    ]);
    return { value: next, version: version ?? '' };
  }, SEND_RESERVATION_ATTEMPTS);
}

/** The draft as sent: the partner's edits over the service's draft (the recipient stays). */
export const withEdits = (original: Draft, edits: DraftEdits): Draft => ({
  to: original.to,
  subject: edits.subject ?? original.subject,
  text: edits.text ?? original.text,
  html: edits.html ?? original.html,
});

/** What a send leaves on the record: sent (when), or failed (why). */
export const emailOutcome = (outcome: SendOutcome, now: Date): Invitation['email'] =>
  outcome.status === 'sent'
    ? { status: 'sent', sentAt: now.toISOString(), operationId: outcome.operationId }
    : { status: 'failed', operationId: outcome.operationId, error: outcome.error };

/** The email service refused a message: the record stays pending, its link and draft usable. */
export const sendFailed = (outcome: { error: string; retryable: boolean }, what: string) =>
  new AppError({
    kind: outcome.retryable ? 'unavailable' : 'dependencyFailed',
    code: 'email-send-failed',
    title: 'The email could not be sent',
    detail: `Azure Communication Services did not accept the email: ${outcome.error}. The ${what} is still pending; its link and draft remain usable.`,
    ...(outcome.retryable ? { retryAfterSeconds: 60 } : {}),
  });

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

  const draft = withEdits(draftOf(deps.settings, inv), edits);
  const operationId = sendOperationId(inv, draft);

  // A retried send of the same draft that already went out is not sent again.
  if (inv.email.status === 'sent' && inv.email.operationId === operationId) return toView(deps.settings, inv, now);

  const reserved = await reserveSend(deps, start, operationId, now);
  const outcome = await deps.mailer.send({ operationId, ...draft });
  const actor = actorOf(principal);
  const done = await transition(deps, reserved, (current) => {
    const email = emailOutcome(outcome, now);
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
  if (outcome.status === 'failed') throw sendFailed(outcome, 'invitation');
  return toView(deps.settings, done.value, now);
}
