import { waitingQueueName } from '../src/config';
import { deliverMessage } from '../src/domain/delivery';
import { registerEventQueue } from '../src/http/register';

/**
 * Delivers what waited for its own partner (a slot, the endpoint's next probe): the queue's
 * `waiting` lane, kept apart so that one partner's backlog never sits ahead of others' due work.
 */
export const deliverWaiting = registerEventQueue('deliverWaiting', waitingQueueName(), (deps, message, log) =>
  deliverMessage(deps, message, log),
);
