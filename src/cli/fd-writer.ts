/**
 * A stream that writes to a file descriptor (standard output) with `fs.write`: asynchronously, so
 * the process keeps turning its event loop, and with backpressure. A redirected stdout is either a
 * file or a pipe; a pipe may be non-blocking (Node makes it so once anything touches
 * process.stdout), where a write finds it full (EAGAIN, or nothing written) whenever the reader
 * lags: that write is tried again shortly, never reported as a failure (fs.WriteStream gives up
 * after five empty writes).
 */
import { write } from 'node:fs';
import { Writable } from 'node:stream';

/** The longest pause before trying a full pipe again (ms). */
const MAX_WAIT_MS = 50;

export function fdWriter(fd: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const rest = (bytes: Buffer, waitMs: number) =>
        write(fd, bytes, 0, bytes.length, null, (err, n) => {
          if (err && err.code !== 'EAGAIN') return done(err);
          const left = err ? bytes : bytes.subarray(n);
          if (left.length === 0) return done();
          if (err || n === 0) setTimeout(() => rest(left, Math.min(waitMs * 2, MAX_WAIT_MS)), waitMs);
          else rest(left, 1);
        });
      rest(chunk, 1);
    },
  });
}
