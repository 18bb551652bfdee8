import { processDueGrants } from '../src/domain/delegatedAdmin';
import { registerTimer } from '../src/http/register';

/** Every five minutes: delegated admin due by now expires, or extends by 180 days (reads only the grants due). */
export const expireDelegatedAdmin = registerTimer('expireDelegatedAdmin', '0 */5 * * * *', async (deps, log) => {
  const r = await processDueGrants(deps);
  if (r.due > 0) log.info(`expireDelegatedAdmin: ${r.expired} expired, ${r.extended} extended of ${r.due} due`);
});
