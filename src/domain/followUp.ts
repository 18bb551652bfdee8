/**
 * Work a commit implies beyond itself, driven by its announcement on the delivery queue (sent
 * before the commit, so it survives a process that dies right after it, without any scan):
 *
 * - what the announcement carries (`afterCommit`, its first attempt): the customers' side of
 *   relationship changes and their due rows (src/domain/customerSide.ts), and the warning points
 *   the commit sets (src/domain/endingSoon.ts);
 * - what its events imply (`followUp`): the provider's step of a combined acceptance, when the
 *   request did not say it was done (`settled`), and the release of a reactivated partner's held
 *   deliveries.
 *
 * Idempotent, and safe while the request itself is still doing it. A failure throws: the host
 * tries the message again (maxDequeueCount), then the poison queue.
 */
import { completeAcceptance } from './acceptance';
import { completeOwed } from './customerSide';
import type { CloudEvent } from './model';
import type { Deps, EventMessage, WebhookDeps } from './ports';
import { releaseHeld } from './webhooks';

export type AfterCommitDeps = Pick<Deps, 'store' | 'clock' | 'ledger' | 'directory' | 'warnings'>;
export type FollowUpDeps = AfterCommitDeps & Pick<WebhookDeps, 'queue'>;

/** What the announcement carries, done after the answer (a warning point of a failed commit is dropped by its job). */
export async function afterCommit(deps: AfterCommitDeps, message: EventMessage): Promise<void> {
  await Promise.all([completeOwed(deps, message), message.warnings?.length ? deps.warnings.schedule(message.warnings) : undefined]);
}

export async function followUp(deps: FollowUpDeps, partnerId: string, event: CloudEvent, settled: boolean): Promise<void> {
  if (event.type === 'partner.reactivated') return releaseHeld(deps, partnerId);
  if (settled || event.type !== 'invitation.accepted' || !event.data.indirectProviderId) return;
  const stored = await deps.store.invitation(partnerId, String(event.data.id));
  if (stored?.value.status === 'accepted') await completeAcceptance(deps, stored.value);
}
