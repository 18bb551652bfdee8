import type { InvocationContext, Timer } from '@azure/functions';
import { getDeps } from '../src/deps';
import { repairPendingAcceptances } from '../src/domain/acceptance';
import { registerTimer } from '../src/http/register';

/** Every five minutes: completes combined acceptances cut off between their two transactions. */
export async function repairAcceptances(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = getDeps();
  const result = await repairPendingAcceptances({ store: deps.store, clock: deps.clock, signingKey: deps.config.signingKey });
  if (result.found > 0) context.log(`repairAcceptances: ${result.repaired} of ${result.found} pending acceptances completed`);
}

registerTimer('repairAcceptances', '0 */5 * * * *', repairAcceptances);
