/**
 * Runs the hostile-request property against a live server with fast-check: seeded (the seed and
 * the counterexample path are printed on failure, so a run replays exactly), shrinking to the
 * smallest failing request. The property: never a 5xx other than 501; every response carries
 * X-Trace-Id; every 4xx/5xx body is the error envelope (docs/errors.md) (or its RFC 9457 form) whose traceId equals
 * the header; and the server answers every request.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { describeRequest, type FuzzRequest, type FuzzTarget, requestArb } from './fuzz-requests.js';
import { expectEnvelope, type Res } from './http-harness.js';
import { keepAliveAgent, rawExchange, send } from './raw-http.js';

export interface FuzzOptions {
  baseUrl: string;
  target: FuzzTarget;
  requests: number;
  seed: number;
  /** How to replay the run, printed with the seed on failure. */
  replayHint?: string;
  /** Keep going after a failure and list every distinct one (no shrinking), instead of stopping at the first. */
  collect?: boolean;
  /** Stop (without failing) after this long: a bound on the suite's time on a slow or busy machine. */
  timeLimitMs?: number;
}

export interface FuzzReport {
  seed: number;
  /** Requests sent, shrinking included. */
  sent: number;
  statuses: Record<number, number>;
  /** Responses with status 500 (or another 5xx than 501). */
  serverErrors: number;
  failure?: string;
  /** With `collect`: one line per distinct failure (same status and first error line). */
  distinct: Map<string, string>;
}

/** 5xx the fuzzer accepts: an unknown method is 501 by contract (docs/http-semantics.md). */
const ALLOWED_5XX = new Set([501]);

export function checkResponse(r: FuzzRequest, res: Res): void {
  const where = `${describeRequest(r)}\n→ ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status >= 500 && !ALLOWED_5XX.has(res.status), `server error: ${where}`).toBe(false);
  expect(res.status, where).toBeGreaterThanOrEqual(100);
  const traceId = res.headers.get('x-trace-id');
  expect(traceId, `no X-Trace-Id: ${where}`).toBeTruthy();
  if (res.status < 400 || r.method === 'HEAD') return;
  if ((res.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
    expect(res.json, where).toMatchObject({ status: res.status, traceId });
    expect(res.json.errors.length, where).toBeGreaterThan(0);
    for (const e of res.json.errors)
      expect(e, where).toMatchObject({
        status: res.status,
        traceId,
        code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
      });
    return;
  }
  try {
    expectEnvelope(res, res.status);
  } catch (e) {
    throw new Error(`not the error envelope (docs/errors.md): ${where}\n${(e as Error).message}`);
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { seed: o.seed, sent: 0, statuses: {}, serverErrors: 0, distinct: new Map() };
  const agent = keepAliveAgent();
  let previous = '(none)';
  /** One request: sent, counted, checked; throws what is wrong with the answer. */
  async function exchange(r: FuzzRequest): Promise<void> {
    let res: Res | undefined;
    try {
      res = r.raw
        ? await rawExchange(o.baseUrl, r.raw)
        : await send(
            o.baseUrl,
            { method: r.method, path: r.path, headers: r.headers, body: r.body.bytes },
            agent,
          );
    } catch (e) {
      // On a keep-alive connection the request before may be the cause: name it too.
      throw new Error(
        `no answer (${(e as Error).message}): ${describeRequest(r)}\n  the request before: ${previous}`,
      );
    } finally {
      previous = describeRequest(r);
    }
    report.sent++;
    // A framing error may end the connection without a response only when the bytes never formed a request line.
    if (!res) {
      if (r.raw && /^GARBAGE|HTTP\/9/.test(r.raw.toString('latin1'))) return;
      throw new Error(`connection closed without an answer: ${describeRequest(r)}`);
    }
    report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500 && !ALLOWED_5XX.has(res.status)) report.serverErrors++;
    checkResponse(r, res);
  }
  const property = fc.asyncProperty(requestArb(o.target), async (r) => {
    if (!o.collect) return exchange(r);
    try {
      await exchange(r);
    } catch (e) {
      const message = (e as Error).message;
      const lines = message.split('\n');
      const answer = lines.find((l) => l.startsWith('→')) ?? lines[0];
      const signature = `${lines[0].split(':')[0]} ${answer
        .replace(/"traceId":"[^"]*"/g, '')
        .replace(/\d+/g, '#')
        .slice(0, 100)}`;
      if (!report.distinct.has(signature)) report.distinct.set(signature, message);
    }
  });
  try {
    const details = await fc.check(property, {
      numRuns: o.requests,
      seed: o.seed,
      interruptAfterTimeLimit: o.timeLimitMs,
      markInterruptAsFailure: false,
    });
    if (details.failed) {
      report.failure = `fuzz FAILED with seed ${o.seed} (path ${details.counterexamplePath}); replay: ${o.replayHint ?? `VERBO_FUZZ_SEED=${o.seed}`}\n${fc.defaultReportMessage(details)}\n${(details.errorInstance as Error)?.message ?? ''}`;
    }
  } finally {
    agent.destroy();
  }
  if (report.distinct.size && !report.failure) {
    report.failure = `fuzz FAILED with seed ${o.seed}: ${report.distinct.size} distinct failures; replay: ${o.replayHint ?? `VERBO_FUZZ_SEED=${o.seed}`}\n${[...report.distinct.values()].join('\n---\n')}`;
  }
  return report;
}

/** heapUsed after a full collection (gc exposed at run time, no --expose-gc flag needed). */
export function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The seed from VERBO_FUZZ_SEED, else `fallback`, else a fresh one (printed with every failure). */
export function fuzzSeed(fallback?: number): number {
  const fromEnv = process.env.VERBO_FUZZ_SEED;
  if (fromEnv) return Number(fromEnv);
  return fallback ?? Math.floor(Math.random() * 2 ** 31);
}

export const summarize = (r: FuzzReport): string =>
  `${r.sent} requests, seed ${r.seed}, ${r.serverErrors} server errors; statuses ${Object.entries(r.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')}`;
