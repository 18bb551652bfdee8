import { defineConfig } from 'vitest/config';
import { SERIAL, common } from './vitest.shared.mts';

/**
 * `npm test`'s first run: every test file but the timing ones (vitest.serial.config.mts) and the
 * load test (vitest.load.config.mts), two files at once. Vitest's default on two cores is one;
 * most of a file's time is spent waiting on Azurite, Chromium or a timer, so two overlap well.
 */
export default defineConfig({
  test: {
    ...common,
    include: ['test/**/*.test.ts'],
    exclude: ['test/load/**', ...SERIAL, '**/node_modules/**'],
    maxWorkers: 2,
    minWorkers: 1,
  },
});
