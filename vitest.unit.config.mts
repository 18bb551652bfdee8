import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: what runs without Azurite, in seconds: the use cases and the storage
 * contract on the memory adapter, and the pure unit tests. `npm test` runs these and everything else.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/domain/**/*.test.ts', 'test/contract/**/*.test.ts'],
    testTimeout: 10_000,
    reporters: ['default'],
  },
});
