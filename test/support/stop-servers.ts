/**
 * Set up before every test file (vitest.config.ts): once the file's own hooks have run, any
 * `verbo serve` it started and left running (a failed test skips its cleanup) is killed, so no
 * server outlives the suite.
 */
import { afterAll } from 'vitest';
import { killLeftServers } from './cli-harness.js';

afterAll(() => {
  const left = killLeftServers();
  if (left) console.warn(`[stop-servers] killed ${left} verbo serve process(es) a test left running`);
});
