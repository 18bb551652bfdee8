/**
 * Another instance of the service, in a process of its own (test/reliability/two-instances.test.ts
 * runs it with vite-node): the same settings as the test's own instance (the environment it is
 * given), the same storage, and nothing shared in memory. Prints `READY <url>`; SIGTERM stops it.
 */
import { startService } from './harness';

async function main(): Promise<void> {
  // Every instance of a deployment has the same public URL (links are the same whoever drafts them).
  const svc = await startService({ publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '' });
  process.stdout.write(`READY ${svc.url}\n`);
  const stop = () => void svc.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
