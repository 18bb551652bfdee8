import { waitingQueueName } from '../src/config';
import { deliverMessage } from '../src/domain/delivery';
import { registerQueue } from '../src/http/register';
import { parseEventMessage } from '../src/queue/messages';

/**
 * Delivers what waited for its own partner (a slot, the endpoint's next probe): the queue's
 * `waiting` lane, kept apart so that one partner's backlog never sits ahead of others' due work.
 */
export const deliverWaiting = registerQueue('deliverWaiting', waitingQueueName(), async (deps, message, log) => {
  const parsed = parseEventMessage(message);
  if (!parsed) {
    log.warn('deliverWaiting: dropped a message that names no events');
    return;
  }
  await deliverMessage(deps, parsed, log);
});
