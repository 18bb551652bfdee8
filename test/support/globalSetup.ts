import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { freePort, startAzurite, type RunningAzurite } from '../../src/local/azurite';

let azurite: RunningAzurite | undefined;
let queues: RunningAzurite | undefined;

/** One Azurite (in memory, loopback, telemetry off) on a free port for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  azurite = await startAzurite({ port: await freePort() });
  project.provide('tablesConnectionString', azurite.connectionString);
  project.provide('azuritePort', azurite.port);
  // Azurite's Queue service: the webhook delivery queue (each test file its own queue name).
  queues = await startAzurite({ port: await freePort(), service: 'queue' });
  project.provide('queuesConnectionString', queues.connectionString);
}

export async function teardown(): Promise<void> {
  await Promise.all([azurite?.stop(), queues?.stop()]);
}

declare module 'vitest' {
  export interface ProvidedContext {
    tablesConnectionString: string;
    azuritePort: number;
    queuesConnectionString: string;
  }
}
