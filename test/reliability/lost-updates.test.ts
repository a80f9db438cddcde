/**
 * No lost updates: 50 concurrent clients each add 1 to one counter, half through
 * JSON Patch test+replace (retry on 409), half through If-Match (retry on 412). The final value is
 * exactly 50, on every store. The stress suite repeats this with more clients against several
 * server processes.
 */
import { expect, it } from 'vitest';
import { COUNTER_YAML, raceIncrements } from '../support/counter-clients.js';
import { useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const CLIENTS = 50;

describeEachStore('no lost updates', (target, getDb) => {
  const server = useServer(getDb, { yaml: COUNTER_YAML });

  it(`${CLIENTS} concurrent clients (JSON Patch test+replace / If-Match) each add 1: the counter ends at exactly ${CLIENTS}`, {
    timeout: 60_000,
  }, async () => {
    const created = await server().request('POST', '/counters', { body: { name: 'race', counter: 0 } });
    expect(created.status).toBe(201);
    const path = `/counters/${created.json.id}`;
    const fetcher = (p: string, init: RequestInit) => fetch(server().url + p, init);
    const stats = await raceIncrements(fetcher, path, CLIENTS);
    const final = await server().request('GET', path);
    console.log(
      `[lost-updates ${target.name}] counter ${final.json.counter} of ${CLIENTS} expected; ${stats.retries} lost races retried`,
    );
    expect(stats.done).toBe(CLIENTS);
    expect(final.json.counter).toBe(CLIENTS);
    // The clients really raced (the test would prove nothing otherwise) ...
    expect(stats.retries).toBeGreaterThan(0);
    // ... and every increment was exactly one write: version 1 + 50.
    expect(final.headers.get('etag')).toMatch(new RegExp(`^"${CLIENTS + 1}-`));
  });
});
