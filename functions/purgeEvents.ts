import { purgeExpiredEvents } from '../src/domain/retention';
import { registerTimer } from '../src/http/register';

/** Every hour: events and delivery records past EVENT_RETENTION_DAYS are removed (reads only the due rows). */
export const purgeEvents = registerTimer('purgeEvents', '0 17 * * * *', async (deps, log) => {
  const r = await purgeExpiredEvents(deps, deps.clock.now(), deps.config.eventRetentionDays);
  if (r.due > 0) log.info(`purgeEvents: ${r.removed} events removed for ${r.due} partner days`);
});
