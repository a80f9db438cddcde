/**
 * Graceful shutdown under load (issue 10 §4): SIGTERM while 16 clients write over keep-alive
 * connections and 3 requests are caught mid-body. In-flight requests finish with their real
 * answer (201 and stored), a new connection is refused, the process exits 0 within 5 s, no
 * acknowledged write is lost and no request is dropped (see shutdown-check.ts for the definitions).
 * The drain's 503 on a reused keep-alive connection is tested in test/http/store-outage.test.ts.
 */
import { expect, it } from 'vitest';
import { shutdownUnderLoad } from '../support/shutdown-check.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('graceful shutdown under load', (target, getDb) => {
  it('SIGTERM: in-flight requests answered for real, new connections refused, exit 0 within 5 s, nothing dropped', {
    timeout: 60_000,
  }, async () => {
    const f = await shutdownUnderLoad(getDb(), 'term1', { clients: 16, loadMs: 600, slow: 3 });
    console.log(
      `[shutdown ${target.name}] ${f.requests} requests, ${f.acked} writes acknowledged, ${f.lost} lost, ${f.dropped} dropped, ` +
        `${f.refusedShaped} refused with 503, in-flight ${f.slowStatuses.join('/')}, new connections refused after ${f.refusedMs} ms, exit ${f.code} after ${f.exitMs} ms; client errors ${JSON.stringify(f.connectionErrors)}`,
    );
    expect(f.slowStatuses).toEqual([201, 201, 201]);
    expect(f.slowStored).toEqual([1, 1, 1]);
    expect(f.refusedMs).toBeGreaterThanOrEqual(0);
    expect(f.code).toBe(0);
    expect(f.exitMs).toBeLessThan(5000);
    expect(f.acked).toBeGreaterThan(0);
    expect(f.lost).toBe(0);
    expect(f.torn).toBe(0);
    expect(f.dropped).toBe(0);
  });
});
