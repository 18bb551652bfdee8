import { defineConfig } from 'vitest/config';

/**
 * `npm run test:load`: the load test (500 concurrent acceptances across 50 partners), alone on
 * the machine. Not part of `npm test`: on two cores shared with the rest of the suite, Azurite's
 * timeouts would measure the machine, not the service. Its figures are in docs/scale.md.
 */
export default defineConfig({
  test: {
    include: ['test/load/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    setupFiles: ['test/support/setupEnv.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    minWorkers: 1,
    reporters: ['default'],
  },
});
