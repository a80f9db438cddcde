import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest runs CPUs − 1 files at once: one on a 2-CPU machine, though most files wait on child
    // processes, sockets and PostgreSQL. Two at a time halves the suite's wall time there.
    maxWorkers: 2,
    minWorkers: 1,
    setupFiles: ['./test/support/stop-servers.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

export default config;
