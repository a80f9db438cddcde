import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Each file in a process of its own. Sharing processes (isolate: false) cut vitest's `collect`
    // phase from 124 s to 20 s of a full run, but one run in five then had a request of
    // storage-faults.test.ts hang (docs/architecture.md, "Tests"), so files stay apart.
    isolate: true,
    // Vitest runs CPUs − 1 files at once: one on a 2-CPU machine, though most files wait on child
    // processes, sockets and PostgreSQL. Two at a time halve the suite's wall time there (three were
    // slower, 541 s against 526 s, and overloaded vitest's own messages).
    maxWorkers: 2,
    minWorkers: 1,
    // The longest files start first, so none of them runs alone at the end (the sequencer's comment).
    sequence: { sequencer: SlowFirstSequencer },
    setupFiles: ['./test/support/stop-servers.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

export default config;
