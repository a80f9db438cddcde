/**
 * Hostile-input fuzzing, bounded pass: a few thousand random requests against every
 * route of the CRM example (and its sign-in variant) on each store. Never a 500, every error is the
 * error envelope (docs/errors.md) with the X-Trace-Id, the server stays up, and the heap after a full GC stays within 2×
 * of before. Seeded: VERBO_FUZZ_SEED=<seed> replays a failing run exactly; `npm run fuzz` runs longer.
 */
import { expect, it } from 'vitest';
import { fuzzSeed, heapAfterGc, runFuzz, summarize } from '../support/fuzz-runner.js';
import { type FuzzConfig, startFuzzServer } from '../support/fuzz-setup.js';
import { send } from '../support/raw-http.js';
import { describeEachStore } from '../support/store-targets.js';

const PER_CONFIG: Record<FuzzConfig, number> = {
  crm: Number(process.env.VERBO_FUZZ_REQUESTS ?? 1500),
  'crm-secure': Math.ceil(Number(process.env.VERBO_FUZZ_REQUESTS ?? 1500) / 2),
};

describeEachStore('hostile-input fuzzing (bounded)', (target) => {
  for (const config of ['crm', 'crm-secure'] as const) {
    it(`${config}: ${PER_CONFIG[config]} random requests, no 500, every error shaped, server up, heap within 2×`, {
      timeout: 120_000,
    }, async () => {
      const db = await target.create();
      const server = await startFuzzServer(config, db.db);
      try {
        // A fixed seed keeps `npm test` repeatable; `npm run fuzz` explores with fresh seeds.
        const seed = fuzzSeed(20_261_123 + (config === 'crm' ? 0 : 1));
        // Warm-up (JIT, statement caches, lazily read docs assets) before the baseline is taken.
        const warm = await runFuzz({
          baseUrl: server.url,
          target: server.target,
          requests: 200,
          seed: seed + 1,
        });
        expect(warm.failure, warm.failure).toBeUndefined();
        const before = heapAfterGc();
        const report = await runFuzz({
          baseUrl: server.url,
          target: server.target,
          requests: PER_CONFIG[config],
          seed,
          replayHint: `VERBO_FUZZ_SEED=${seed} npx vitest run test/reliability/fuzz.test.ts`,
          // A bound on the suite's time on a busy machine; the count actually sent is printed.
          timeLimitMs: 45_000,
        });
        if (report.failure) console.error(report.failure);
        expect(report.failure, report.failure).toBeUndefined();
        expect(report.serverErrors).toBe(0);
        // A public route: the fuzzing may have revoked its own token or ended its session.
        const health = await send(server.url, { method: 'GET', path: '/openapi.json', headers: {} });
        expect(health.status).toBe(200);
        const after = heapAfterGc();
        console.log(
          `[fuzz ${target.name} ${config}] ${summarize(report)}; heap ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB`,
        );
        expect(after).toBeLessThan(2 * before);
      } finally {
        await server.close();
        await db.cleanup();
      }
    });
  }
});
