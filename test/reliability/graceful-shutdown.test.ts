/**
 * Graceful shutdown under load: SIGTERM while 16 clients write over keep-alive
 * connections and 3 requests are caught mid-body. In-flight requests finish with their real
 * answer (201 and stored), a new connection is refused, the process exits 0 within 5 s, no
 * acknowledged write is lost and no request is dropped (see shutdown-check.ts for the definitions).
 * The drain's 503 on a reused keep-alive connection is tested in test/http/store-outage.test.ts.
 */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';
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

describeEachStore('graceful shutdown with a client that never finishes its body', (_target, getDb) => {
  it('SIGTERM: the stalled request is cut after --shutdown-grace; the process still exits 0 in time', {
    timeout: 30_000,
  }, async () => {
    const served = await serveCli([
      CRM_CONFIG,
      '--db',
      getDb(),
      '--log-level',
      'silent',
      '--shutdown-grace',
      '1',
    ]);
    const { port, hostname } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // Headers and 10 bytes of a 1000-byte body, then nothing: the request stays in flight.
    socket.write(
      `POST /customers HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"s`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    served.child.kill('SIGTERM');
    const code = await served.exited;
    const exitMs = Date.now() - started;
    await closed;
    expect(code).toBe(0);
    expect(exitMs).toBeGreaterThanOrEqual(900);
    expect(exitMs).toBeLessThan(5000);
  });
});
