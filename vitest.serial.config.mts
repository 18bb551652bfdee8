import { defineConfig } from 'vitest/config';
import { SERIAL, common } from './vitest.shared.mts';

/**
 * `npm test`'s second run: the files that bound latency or survive outages and crashes, one at a
 * time (`npx vitest run -c vitest.serial.config.mts [file]` runs one of them alone).
 */
export default defineConfig({
  test: {
    ...common,
    include: SERIAL,
    maxWorkers: 1,
    minWorkers: 1,
  },
});
