/**
 * Graceful shutdown, repeated (`npm run test:stress`): VERBO_STRESS_SHUTDOWNS (default 5) SIGTERM
 * cycles per store with 32 writers and 5 requests caught mid-body. Totals of requests dropped and
 * acknowledged writes lost must be zero; every cycle exits 0 within 5 s.
 */
import { expect, it } from 'vitest';
import { shutdownUnderLoad } from '../support/shutdown-check.js';
import { describeEachStore } from '../support/store-targets.js';

const CYCLES = Number(process.env.VERBO_STRESS_SHUTDOWNS ?? 5);

describeEachStore('graceful shutdown, repeated', (target, getDb) => {
  it(`${CYCLES} SIGTERMs under load: nothing dropped, nothing lost, exit 0 every time`, async () => {
    const totals = {
      requests: 0,
      acked: 0,
      lost: 0,
      dropped: 0,
      refusedShaped: 0,
      slowAnswered: 0,
      maxExitMs: 0,
      maxRefusedMs: 0,
    };
    for (let k = 0; k < CYCLES; k++) {
      const f = await shutdownUnderLoad(getDb(), `term-stress${k}`, {
        clients: 32,
        loadMs: 400 + k * 200,
        slow: 5,
      });
      totals.requests += f.requests;
      totals.acked += f.acked;
      totals.lost += f.lost;
      totals.dropped += f.dropped;
      totals.refusedShaped += f.refusedShaped;
      totals.slowAnswered += f.slowStatuses.filter((s) => s === 201).length;
      totals.maxExitMs = Math.max(totals.maxExitMs, f.exitMs);
      totals.maxRefusedMs = Math.max(totals.maxRefusedMs, f.refusedMs);
      expect(f.code, `cycle ${k}`).toBe(0);
      expect(f.refusedMs, `cycle ${k}`).toBeGreaterThanOrEqual(0);
      expect(f.slowStored, `cycle ${k}`).toEqual([1, 1, 1, 1, 1]);
    }
    console.log(`[shutdown stress ${target.name}] ${CYCLES} cycles: ${JSON.stringify(totals)}`);
    expect(totals.slowAnswered).toBe(5 * CYCLES);
    expect(totals.lost).toBe(0);
    expect(totals.dropped).toBe(0);
    expect(totals.maxExitMs).toBeLessThan(5000);
  });
});
