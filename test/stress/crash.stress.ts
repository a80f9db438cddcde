/**
 * Crash safety, repeated (`npm run test:stress`): VERBO_STRESS_KILLS (default 10) SIGKILL cycles per
 * store on one database that keeps growing, each killed after a different number of acknowledged
 * writes. Totals: writes acknowledged, lost, half-written; the store must check clean every time.
 */
import { expect, it } from 'vitest';
import { crashAndVerify } from '../support/crash-check.js';
import { describeEachStore } from '../support/store-targets.js';

const KILLS = Number(process.env.VERBO_STRESS_KILLS ?? 10);

describeEachStore('crash safety, repeated SIGKILL', (target, getDb) => {
  it(`${KILLS} kills mid-write: every acknowledged write survives every one`, async () => {
    const totals = { requests: 0, acked: 0, lost: 0, stale: 0, torn: 0, unansweredStored: 0 };
    for (let k = 0; k < KILLS; k++) {
      const f = await crashAndVerify(target, getDb(), `stress${k}`, 20 + ((k * 97) % 400));
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += f[key];
      expect(f.integrity, `kill ${k}`).toBe('ok');
      expect(f.foreignKeyProblems, `kill ${k}`).toBe(0);
      expect(f.sqlCount, `kill ${k}`).toBe(f.rows);
    }
    console.log(`[crash stress ${target.name}] ${KILLS} kills: ${JSON.stringify(totals)}`);
    expect(totals.lost).toBe(0);
    expect(totals.stale).toBe(0);
    expect(totals.torn).toBe(0);
  });
});
