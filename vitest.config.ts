import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Files share the worker processes instead of starting one each: vitest's `collect` phase falls
    // from about 124 s to 20 s of a full run. A request that once hung here was
    // postgres.js's reconnect (renewed-connection.ts), not the sharing (docs/architecture.md, "Tests").
    isolate: false,
    // Vitest runs CPUs − 1 files at once: one on a 2-CPU machine, though most files wait on child
    // processes, sockets and PostgreSQL. Two at a time halve the suite's wall time there (three were
    // slower, 541 s against 526 s, and overloaded vitest's own messages).
    // As many workers at the start as at most: with fewer, tinypool stops idle workers and its
    // stop raced the pool's teardown once ("Terminating worker thread" after every test passed).
    maxWorkers: 2,
    minWorkers: 2,
    // The longest files start first, so none of them runs alone at the end (the sequencer's comment).
    sequence: { sequencer: SlowFirstSequencer },
    setupFiles: ['./test/support/stop-servers.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

export default config;
