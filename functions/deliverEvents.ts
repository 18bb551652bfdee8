import { eventQueueName } from '../src/config';
import { deliverMessage } from '../src/domain/delivery';
import { foldAfterCommit } from '../src/domain/insights';
import { registerQueue } from '../src/http/register';
import { parseEventMessage } from '../src/queue/messages';

/** Delivers the events a queue message names to the partner's webhook (retries are new messages), then folds the partner's insight steps. */
export const deliverEvents = registerQueue('deliverEvents', eventQueueName(), async (deps, message, log) => {
  const parsed = parseEventMessage(message);
  if (!parsed) {
    log.warn('deliverEvents: dropped a message that names no events');
    return;
  }
  await deliverMessage(deps, parsed, log);
  // The commit that sent this message may have left insight steps: fold what has settled (due work, once a minute per partner).
  if ((parsed.attempt ?? 1) === 1)
    await foldAfterCommit(deps, parsed.partnerId).catch((err: unknown) =>
      log.warn(`deliverEvents: folding insights failed: ${String(err)}`),
    );
});
