/** The load generators: autocannon for throughput at 50 connections, a sequential probe for page latency. */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/**
 * Runs autocannon against `url` with the given request list (each may have `setupRequest`).
 * Requests per second counts every completed response; latency percentiles are of 2xx responses (ms).
 */
export async function runLoad(url, requests, { connections = 50, duration = 5 } = {}) {
  // sampleInt: the run ends on the first sample tick after `duration` (default 1 s ticks would round runs up to whole seconds).
  const result = await autocannon({ url, connections, duration, requests, timeout: 10, sampleInt: 100 });
  const completed = result.requests.total;
  const seconds = result.duration || duration;
  return {
    rps: completed / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: completed,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: result.statusCodeStats,
  };
}

function getOnce(agent, url) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      let bytes = 0;
      res.on('data', (d) => {
        bytes += d.length;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          bytes,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          link: res.headers.link,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/**
 * One connection, one request at a time, for `durationMs` (at least `minRequests` requests):
 * the latency of the page itself, not of a queue. Microsecond resolution.
 */
export async function probeLatency(url, { durationMs = 2000, minRequests = 5, maxRequests = 20_000 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  let failures = 0;
  const until = Date.now() + durationMs;
  try {
    while ((Date.now() < until || times.length < minRequests) && times.length < maxRequests) {
      const r = await getOnce(agent, url);
      if (r.status !== 200) failures++;
      times.push(r.ms);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    requests: times.length,
    non2xx: failures,
    errors: 0,
    rps: undefined,
  };
}

/** GET once and return the response (status, Link header). */
export async function getOne(url) {
  const agent = new Agent({ keepAlive: false });
  try {
    return await getOnce(agent, url);
  } finally {
    agent.destroy();
  }
}
