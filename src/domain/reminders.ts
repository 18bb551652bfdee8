/**
 * The reminder email of an invitation created with `reminder: true`: once, when its
 * `invitation.expiringSoon` warning is emitted (3 days before it expires), only if its draft was
 * sent through the service and it is still pending; in its language, saying when the link ends,
 * and counted in the send limits like any send. The message is one email operation (its ID is
 * derived from the invitation and its link), so a job that runs again sends nothing twice.
 */
import { reminderOf } from './requestDraft';
import { auditEvent, recordAudit } from './audit';
import type { Warning } from './warnings';
import { AppError } from './errors';
import { effectiveStatus, requireInvitation, transition } from './invitation';
import { draftOf } from './invitationLink';
import { reserveSend, sendOperationId } from './invitationSending';
import { systemActor } from './model';
import type { Deps, Logger } from './ports';

export async function sendReminder(deps: Deps, w: Warning, log?: Logger): Promise<void> {
  if (w.kind !== 'invitation' || !deps.mailer) return;
  const start = await requireInvitation(deps, w.partnerId, w.subjectId);
  const inv = start.value;
  const now = deps.clock.now();
  if (!inv.reminder || inv.email.status !== 'sent' || effectiveStatus(inv, now) !== 'pending') return;
  const draft = reminderOf(draftOf(deps.settings, inv), inv.locale, inv.expiresAt);
  const operationId = sendOperationId({ id: `${inv.id}|reminder`, nonce: inv.nonce }, draft);
  try {
    await reserveSend(deps, start, operationId, now);
  } catch (err) {
    // A send limit reached, or the invitation answered meanwhile: no reminder.
    if (err instanceof AppError) return log?.warn('reminder not sent', { invitationId: inv.id, reason: err.code });
    throw err;
  }
  const outcome = await deps.mailer.send({ operationId, ...draft });
  if (outcome.status !== 'sent') return log?.warn('reminder refused by the email service', { invitationId: inv.id, error: outcome.error });
  await transition(deps, await requireInvitation(deps, inv.partnerId, inv.id), (current) =>
    current.email.operationId === operationId
      ? undefined
      : {
          next: { ...current, email: { status: 'sent', sentAt: now.toISOString(), operationId } },
          changes: [
            recordAudit(
              auditEvent(inv.partnerId, 'invitation.sent', systemActor(inv.partnerId), now, {
                invitationId: inv.id,
                ...(inv.customer.tenantId ? { customerId: inv.customer.tenantId } : {}),
                details: { operationId, reminder: true },
              }),
            ),
          ],
        },
  );
}
