import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The load test runs alone (npm run test:load, vitest.load.config.mts).
    exclude: ['test/load/**', '**/node_modules/**'],
    globalSetup: ['test/support/globalSetup.ts'],
    setupFiles: ['test/support/setupEnv.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once (vitest's default on two cores is one): most of a file's time is spent
    // waiting on Azurite, Chromium or a timer, so two overlap well; the whole suite takes about
    // 6 minutes instead of 9 on the 2-core machine CI uses.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
