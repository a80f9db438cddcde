/** The long reliability runs (`npm run test:stress`, `npm run fuzz`): test/stress/*.stress.ts, one file at a time. */
import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['test/stress/**/*.stress.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

export default config;
