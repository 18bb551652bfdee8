/**
 * What the suite's two runs share (vitest.config.mts, vitest.serial.config.mts). `npm test` runs
 * most files two at a time, then the files that measure timing (latency bounds, outages, crash
 * recovery, fairness) one at a time, so that another file's load never decides their verdict.
 */
export const SERIAL = ['test/reliability/**/*.test.ts', 'test/e2e/webhook-health.test.ts', 'test/e2e/webhook-limits.test.ts'];

export const common = {
  globalSetup: ['test/support/globalSetup.ts'],
  setupFiles: ['test/support/setupEnv.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  reporters: ['default'],
};
