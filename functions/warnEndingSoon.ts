import { processWarnings } from '../src/domain/endingSoon';
import { sendReminder } from '../src/domain/reminders';
import { registerTimer } from '../src/http/register';

/** Every five minutes: the warnings due by now (delegatedAdmin.endingSoon, invitation.expiringSoon, reminders); reads only what falls due. */
export const warnEndingSoon = registerTimer('warnEndingSoon', '0 */5 * * * *', async (deps, log) => {
  const r = await processWarnings(deps, 200, (w) => sendReminder(deps, w, log));
  if (r.due > 0) log.info(`warnEndingSoon: ${r.emitted} emitted, ${r.dropped} no longer due, of ${r.due}`);
});
