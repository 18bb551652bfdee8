import { completeCustomerSteps } from '../src/domain/customerSide';
import { registerTimer } from '../src/http/register';

/** Every five minutes: completes customer-index steps cut off after their partner's commit (reads only the notes). */
export const repairCustomerIndex = registerTimer('repairCustomerIndex', '0 */5 * * * *', async (deps, log) => {
  const r = await completeCustomerSteps(deps);
  if (r.found > 0) log.info(`repairCustomerIndex: ${r.completed} of ${r.found} customer steps completed`);
});
