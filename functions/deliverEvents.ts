import { eventQueueName } from '../src/config';
import { deliverMessage } from '../src/domain/delivery';
import { registerQueue } from '../src/http/register';
import { parseEventMessage } from '../src/queue/messages';

/** Delivers the events a queue message names to the partner's webhook (retries are new messages). */
export const deliverEvents = registerQueue('deliverEvents', eventQueueName(), async (deps, message, log) => {
  const parsed = parseEventMessage(message);
  if (!parsed) {
    log.warn('deliverEvents: dropped a message that names no events');
    return;
  }
  await deliverMessage(deps, parsed, log);
});
