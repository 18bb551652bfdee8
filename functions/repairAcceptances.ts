import { repairPendingAcceptances } from '../src/domain/acceptance';
import { registerTimer } from '../src/http/register';

/** Every five minutes: completes combined acceptances cut off between their two commits. */
export const repairAcceptances = registerTimer('repairAcceptances', '0 */5 * * * *', async (deps, log) => {
  const result = await repairPendingAcceptances(deps);
  if (result.found > 0) log.info(`repairAcceptances: ${result.repaired} of ${result.found} pending acceptances completed`);
});
