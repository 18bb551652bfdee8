import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { freePort, startAzurite, type RunningAzurite } from '../../src/local/azurite';
import { chromiumProblem } from './chromium';

let azurite: RunningAzurite | undefined;
let queues: RunningAzurite | undefined;

/** True when the run includes a browser test (the CLI's file filters, as vitest applies them). */
async function runsBrowserTests(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.some((f) => /[\\/]test[\\/]browser[\\/]/.test(f));
}

/**
 * A missing Chromium is told at once, with how to install it, rather than as launch failures
 * at the end of the run. Then one Azurite (in memory, loopback, telemetry off) on a free port for
 * the whole run.
 */
export async function setup(project: TestProject): Promise<void> {
  const problem = chromiumProblem();
  if (problem && (await runsBrowserTests(project))) {
    // Said plainly and first (a thrown error would come wrapped in vitest's stack frames).
    process.stderr.write(`\n${problem}\n\n`);
    process.exit(1);
  }
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
