/**
 * The long fuzzing run behind `npm run fuzz -- --requests N [--seed S] [--db sqlite|postgres|both]
 * [--config crm|crm-secure|both]` (scripts/fuzz.mjs sets the VERBO_FUZZ_* variables read here).
 * Unlike the bounded pass it keeps going after a failure and lists every distinct one, each with
 * the request that caused it; the seed is printed with them (and at the start), so a run replays.
 */
import { expect, it } from 'vitest';
import { fuzzSeed, heapAfterGc, runFuzz, summarize } from '../support/fuzz-runner.js';
import { type FuzzConfig, startFuzzServer } from '../support/fuzz-setup.js';
import { send } from '../support/raw-http.js';
import { storeTargets } from '../support/store-targets.js';

const requests = Number(process.env.VERBO_FUZZ_REQUESTS ?? 20_000);
const seed = fuzzSeed();
const wanted = (process.env.VERBO_FUZZ_STORES ?? 'sqlite').split(',');
const configs = (process.env.VERBO_FUZZ_CONFIGS ?? 'crm,crm-secure').split(',') as FuzzConfig[];
const rss = () => process.memoryUsage().rss;

for (const target of storeTargets.filter((t) => wanted.includes(t.name))) {
  for (const config of configs) {
    it(`fuzz ${config} on ${target.name}: ${requests} requests, seed ${seed}`, async () => {
      if (!target.available) throw new Error(`${target.name}: ${target.skipReason}`);
      console.log(`[fuzz] ${config} on ${target.name}: seed ${seed}, ${requests} requests`);
      const db = await target.create();
      const server = await startFuzzServer(config, db.db);
      try {
        await runFuzz({
          baseUrl: server.url,
          target: server.target,
          requests: 200,
          seed: seed + 1,
          collect: true,
        });
        const heapBefore = heapAfterGc();
        const rssBefore = rss();
        const started = Date.now();
        const report = await runFuzz({
          baseUrl: server.url,
          target: server.target,
          requests,
          seed,
          collect: true,
          replayHint: `npm run fuzz -- --requests ${requests} --seed ${seed} --db ${target.name} --config ${config}`,
        });
        const health = await send(server.url, { method: 'GET', path: '/openapi.json', headers: {} });
        const heapAfter = heapAfterGc();
        const rssAfter = rss();
        console.log(
          `[fuzz] ${config} on ${target.name}: ${summarize(report)}; ${((Date.now() - started) / 1000).toFixed(1)} s; health ${health.status}; ` +
            `heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB, rss ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
        );
        if (report.failure) console.error(report.failure);
        expect(report.failure, report.failure).toBeUndefined();
        expect(report.serverErrors).toBe(0);
        expect(health.status).toBe(200);
        expect(heapAfter).toBeLessThan(2 * heapBefore);
      } finally {
        await server.close();
        await db.cleanup();
      }
    });
  }
}
