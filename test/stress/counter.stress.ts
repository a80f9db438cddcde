/**
 * No lost updates, across processes (`npm run test:stress`): `verbo serve --workers 2` (two
 * processes on one SQLite file or one PostgreSQL database), VERBO_STRESS_CLIENTS (default 200)
 * clients each add 1 to one counter, half by JSON Patch test+replace (retry on 409), half by
 * If-Match (retry on 412). The final value is exact.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { serveCli } from '../support/cli-harness.js';
import { COUNTER_YAML, raceIncrements } from '../support/counter-clients.js';
import { describeEachStore } from '../support/store-targets.js';

const CLIENTS = Number(process.env.VERBO_STRESS_CLIENTS ?? 200);
const config = join(mkdtempSync(join(tmpdir(), 'verbo-counter-')), 'verbo.yaml');
writeFileSync(config, COUNTER_YAML);

describeEachStore('no lost updates across two server processes', (target, getDb) => {
  it(`${CLIENTS} concurrent increments through 2 workers end exactly at ${CLIENTS}`, async () => {
    const s = await serveCli([config, '--db', getDb(), '--workers', '2', '--log-level', 'silent']);
    try {
      const created = await fetch(`${s.url}/counters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', counter: 0 }),
      });
      const { id } = (await created.json()) as { id: number };
      const stats = await raceIncrements((p, init) => fetch(s.url + p, init), `/counters/${id}`, CLIENTS);
      const final = (await (await fetch(`${s.url}/counters/${id}`)).json()) as { counter: number };
      console.log(
        `[counter stress ${target.name}] counter ${final.counter} of ${CLIENTS} expected; ${stats.retries} lost races retried`,
      );
      expect(stats.done).toBe(CLIENTS);
      expect(final.counter).toBe(CLIENTS);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });
});
