import { eventQueueName } from '../src/config';
import { deliverMessage } from '../src/domain/delivery';
import { foldAfterCommit } from '../src/domain/insights';
import { registerEventQueue } from '../src/http/register';

/** Delivers the events a queue message names to the partner's webhook (retries are new messages), then folds the partner's insight steps. */
export const deliverEvents = registerEventQueue('deliverEvents', eventQueueName(), async (deps, message, log) => {
  await deliverMessage(deps, message, log);
  // The commit that sent this message may have left insight steps: fold what has settled (due work, once a minute per partner).
  if ((message.attempt ?? 1) === 1)
    await foldAfterCommit(deps, message.partnerId).catch((err: unknown) =>
      log.warn(`deliverEvents: folding insights failed: ${String(err)}`),
    );
});
