/**
 * What every benchmark starts from: one Azurite for tables and one for queues (their own child
 * processes, on free ports), and the service's settings for them with a fresh signing key. The
 * caller stops both (`stop`).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../src/config';
import { freePort, startAzurite } from '../src/local/azurite';

export interface BenchStorage {
  azurite: Awaited<ReturnType<typeof startAzurite>>;
  queues: Awaited<ReturnType<typeof startAzurite>>;
  /** The port the runner will listen on (PUBLIC_BASE_URL names it). */
  port: number;
  config: Config;
  stop(): Promise<void>;
}

export async function startBenchStorage(): Promise<BenchStorage> {
  const azurite = await startAzurite({ port: await freePort() });
  const queues = await startAzurite({ port: await freePort(), service: 'queue' });
  const port = await freePort();
  const config = loadConfig({
    TABLES_CONNECTION_STRING: azurite.connectionString,
    QUEUES_CONNECTION_STRING: queues.connectionString,
    PUBLIC_BASE_URL: `http://localhost:${port}`,
    INVITATION_SIGNING_KEY: randomBytes(32).toString('base64url'),
  });
  return {
    azurite,
    queues,
    port,
    config,
    stop: async () => {
      await azurite.stop();
      await queues.stop();
    },
  };
}
