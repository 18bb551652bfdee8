/**
 * Sending an access request's (optionally edited) draft through the email service, within the
 * same limits as invitations: SEND_LIMIT_PER_INVITATION messages per request, and the partner's
 * SEND_LIMIT_PER_PARTNER_PER_DAY counter shared with invitations. A send is reserved before it
 * goes out (the request's list of messages and the day's counter grow in one commit, guarded by
 * both versions), so concurrent sends never exceed a limit; the same message again reserves and
 * sends nothing (the email service never sends one operation twice).
 */
import { effectiveRequestStatus, type ChangeRequest } from './changeRequest';
import {
  draftOfRequest,
  linkOfRequest,
  requestAudit,
  requestNotPending,
  requestView,
  saveChangeRequest,
  type ChangeRequestDeps,
  type ChangeRequestView,
} from './changeRequests';
import { conflict, limited, notFound } from './errors';
import {
  checkEditedLink,
  dailyLimitReached,
  emailNotConfigured,
  emailOutcome,
  sendFailed,
  sendOperationId,
  utcDay,
  withEdits,
  type DraftEdits,
} from './invitationSending';
import { actorOf, type Partner, type Principal, type Versioned } from './model';
import type { Deps } from './ports';
import { retryOnConflict } from './retry';

type SendDeps = ChangeRequestDeps & Pick<Deps, 'mailer'>;

async function requireRequest(deps: SendDeps, partnerId: string, customerId: string, id: string): Promise<Versioned<ChangeRequest>> {
  const found = await deps.store.changeRequest(partnerId, customerId, id);
  if (!found) throw notFound(`No access request ${id} for customer ${customerId}.`);
  return found;
}

/** Reserves one send of `operationId` (see above); a retry of a reserved message reserves nothing. */
function reserve(deps: SendDeps, ref: ChangeRequest, operationId: string, now: Date): Promise<Versioned<ChangeRequest>> {
  const { perInvitation, perPartnerPerDay } = deps.settings.sendLimits;
  const day = utcDay(now);
  return retryOnConflict(async () => {
    const current = await requireRequest(deps, ref.partnerId, ref.customerId, ref.id);
    const r = current.value;
    if (effectiveRequestStatus(r, now) !== 'pending') throw requestNotPending(r, now, 'sent');
    const reserved = r.sendOperations ?? [];
    if (reserved.includes(operationId)) return current;
    if (reserved.length >= perInvitation) {
      throw limited(
        `This access request has been sent ${reserved.length} times, the most allowed (${perInvitation}). Copy the link and send it yourself.`,
        (Date.parse(r.expiresAt) - now.getTime()) / 1000,
      );
    }
    const counter = await deps.store.sendsOn(r.partnerId, day);
    const count = counter?.value ?? 0;
    if (count >= perPartnerPerDay) throw dailyLimitReached(perPartnerPerDay, now);
    const next: ChangeRequest = { ...r, sendOperations: [...reserved, operationId] };
    const [version] = await deps.store.commit(r.partnerId, [
      saveChangeRequest(next, current.version),
      { kind: 'countSends', day, count: count + 1, version: counter?.version },
    ]);
    return { value: next, version: version ?? '' };
  }, 32);
}

export async function sendChangeRequest(
  deps: SendDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  id: string,
  edits: DraftEdits,
): Promise<ChangeRequestView> {
  const start = await requireRequest(deps, partner.id, customerId, id);
  const now = deps.clock.now();
  const r = start.value;
  // The edited draft is checked before the request's state and the email settings (400 before 409).
  checkEditedLink(edits, linkOfRequest(deps.settings, r));
  if (effectiveRequestStatus(r, now) !== 'pending') throw requestNotPending(r, now, 'sent');
  if (!deps.mailer) throw emailNotConfigured();
  if (!r.to) {
    throw conflict(
      "No email address is known for this customer (the relationship's invitation is not at hand). Copy the draft and send it yourself.",
      'no-recipient',
    );
  }
  const draft = withEdits(draftOfRequest(deps.settings, r), edits);
  const operationId = sendOperationId(r, draft);
  if (r.email.status === 'sent' && r.email.operationId === operationId) return requestView(deps.settings, r, now);

  await reserve(deps, r, operationId, now);
  const outcome = await deps.mailer.send({ operationId, ...draft });
  const actor = actorOf(principal);
  const done = await retryOnConflict(async () => {
    const current = await requireRequest(deps, partner.id, customerId, id);
    const next: ChangeRequest = { ...current.value, email: emailOutcome(outcome, now) };
    await deps.store.commit(partner.id, [
      saveChangeRequest(next, current.version),
      ...(outcome.status === 'sent'
        ? [requestAudit(next, 'delegatedAdmin.changeSent', actor, now, { operationId, edited: Object.keys(edits).length > 0 })]
        : []),
    ]);
    return next;
  });
  if (outcome.status === 'failed') throw sendFailed(outcome, 'access request');
  return requestView(deps.settings, done, now);
}
