/** The local runner's stand-in for the host's timer triggers. */
import { InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { registeredTimers } from '../http/register';

/**
 * Runs the registered timer functions every `intervalMs` (the host runs them on their CRON
 * schedules); a failed run is logged and tried again at the next tick.
 */
export function startTimers(intervalMs: number, log: (level: string, message: string) => void): () => void {
  const handles = registeredTimers().map(([name, handler]) =>
    setInterval(() => {
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: name,
        logHandler: (level, ...args) => log(level, `${name}: ${args.map(String).join(' ')}`),
      });
      const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
      Promise.resolve(handler(timer, context)).catch((err: unknown) =>
        log('warning', `${name}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, intervalMs).unref(),
  );
  return () => handles.forEach(clearInterval);
}
