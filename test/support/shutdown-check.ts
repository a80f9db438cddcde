/**
 * One graceful-shutdown run: writers keep `verbo serve` busy over keep-alive
 * connections, a few requests are caught mid-body, then SIGTERM. Measured: in-flight requests get
 * their real answer; a fresh connection is refused; the process exits 0 within the bound; and,
 * after a restart, no acknowledged write is missing and no request was dropped (dropped = the
 * server did the work but the client got no answer, or the answer was not a real one).
 */
import { connect } from 'node:net';
import { serveCli } from './cli-harness.js';
import { CRM_CONFIG } from './http-harness.js';
import { parseFirstResponse } from './raw-http.js';
import { newReport, recordFor, runWriters, verifyWrites } from './write-load.js';

/**
 * Starts a POST with `Expect: 100-continue`: the server's "100 Continue" proves it has taken the
 * request in (a request still in the kernel's accept queue is not in flight yet). Then half the
 * body; `finish()` sends the rest and resolves with the final answer.
 */
function halfSentPost(url: string, email: string) {
  const { port, hostname } = new URL(url);
  const body = JSON.stringify(recordFor(email, 7));
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  let continued!: () => void;
  const sent = new Promise<void>((resolve) => (continued = resolve));
  const answer = new Promise<ReturnType<typeof parseFirstResponse>>((resolve) => {
    socket.on('data', (c) => {
      chunks.push(c);
      if (Buffer.concat(chunks).toString('latin1').startsWith('HTTP/1.1 100')) {
        socket.write(body.slice(0, 20));
        continued();
      }
    });
    socket.on('close', () => resolve(parseFirstResponse(Buffer.concat(chunks))));
    socket.on('error', () => {});
  });
  socket.on('connect', () =>
    socket.write(
      `POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    ),
  );
  const finish = () => {
    socket.write(body.slice(20));
    return answer;
  };
  return { sent, finish };
}

/** Resolves true when a fresh TCP connection to `url` is refused. */
function refusedNow(url: string): Promise<boolean> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Milliseconds until a fresh connection is refused (tried every 25 ms), or -1 if still accepted after `withinMs`. */
async function refusedAfter(url: string, since: number, withinMs: number): Promise<number> {
  while (Date.now() - since < withinMs) {
    if (await refusedNow(url)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 25));
  }
  return -1;
}

export async function shutdownUnderLoad(
  db: string,
  prefix: string,
  options: { clients: number; loadMs: number; slow: number },
) {
  const server = await serveCli([CRM_CONFIG, '--db', db, '--log-level', 'silent']);
  const report = newReport();
  let stop = false;
  const writers = runWriters(server.url, options.clients, prefix, () => stop, report);
  await new Promise((r) => setTimeout(r, options.loadMs));
  const slow = Array.from({ length: options.slow }, (_, i) =>
    halfSentPost(server.url, `${prefix}-slow-${i}@example.com`),
  );
  await Promise.all(slow.map((s) => s.sent));
  await new Promise((r) => setTimeout(r, 50));
  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  // The in-flight requests are still open, so the process is still up: it must refuse new connections meanwhile.
  const refusedMs = await refusedAfter(server.url, signalledAt, 2000);
  const slowAnswers = await Promise.all(slow.map((s) => s.finish()));
  const code = await server.exited;
  const exitMs = Date.now() - signalledAt;
  stop = true;
  await writers;

  const again = await serveCli([CRM_CONFIG, '--db', db, '--log-level', 'silent']);
  try {
    const figures = await verifyWrites(again.url, report, prefix);
    const slowStored = await Promise.all(
      slow.map(async (_, i) =>
        (await fetch(`${again.url}/customers?email=${prefix}-slow-${i}@example.com`)).json(),
      ),
    );
    const refusedShaped = report.refused[503] ?? 0;
    const otherRefusals = Object.entries(report.refused).filter(([s]) => s !== '503');
    return {
      code,
      exitMs,
      /** Milliseconds from SIGTERM until a new connection was refused (-1: not within 2 s). */
      refusedMs,
      slowStatuses: slowAnswers.map((a) => a?.status ?? 0),
      slowStored: slowStored.map((rows) => (rows as unknown[]).length),
      requests: report.requests,
      acked: figures.acked,
      lost: figures.lost,
      torn: figures.torn,
      // The work was done but the answer never came, or the answer was an error other than the drain's 503.
      dropped: figures.unansweredStored + otherRefusals.reduce((n, [, k]) => n + k, 0),
      refusedShaped,
      connectionErrors: report.errors,
    };
  } finally {
    again.child.kill('SIGTERM');
    await again.exited;
  }
}
