import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One process runs file after file without loading every module again (vitest's `collect`
    // phase took 124 s of a full run with a fresh process per file, 20 s without). Each file still
    // starts and stops its own servers and databases (test/support/stop-servers.ts kills any left),
    // and a file that sets an environment variable removes it in its afterAll.
    isolate: false,
    // Vitest runs CPUs − 1 files at once: one on a 2-CPU machine, though most files wait on child
    // processes, sockets and PostgreSQL. Two at a time halve the suite's wall time there (three
    // were no faster: 411 s against 387 s).
    maxWorkers: 2,
    // As many as maxWorkers: with fewer, tinypool stops a process that has gone idle while its
    // neighbour still runs, and with isolate false that stop can race the pool's own teardown
    // ("Unhandled Rejection: Terminating worker thread" after every test passed).
    minWorkers: 2,
    // The longest files start first, so none of them runs alone at the end (the sequencer's comment).
    sequence: { sequencer: SlowFirstSequencer },
    setupFiles: ['./test/support/stop-servers.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

export default config;
