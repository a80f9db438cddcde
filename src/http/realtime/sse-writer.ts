/**
 * One Server-Sent Events response (WHATWG HTML §9.2): `event:`/`id:`/`data:` blocks, comments,
 * the `retry:` advice. A reader that falls behind is dropped once its unread bytes pass the bound,
 * so a stalled client costs the server at most that much.
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';

/** How long a reconnecting EventSource waits (ms), sent as `retry:`. */
export const RETRY_MS = 2000;

export class SseWriter {
  closed = false;
  private readonly onCloseHandlers: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse | Http2ServerResponse,
    private readonly bufferBytes: number,
    /** Called (once) when the reader fell too far behind; it ends the stream. */
    private readonly onTooSlow: () => void,
  ) {
    res.on('close', () => this.closedByPeer());
  }

  /** Status 200 and the stream's headers (with those the request's hooks set), then `retry:`. */
  open(headers: Record<string, string | string[] | number | undefined>, http2: boolean): void {
    const out: Record<string, string | string[] | number> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
    out['content-type'] = 'text/event-stream; charset=utf-8';
    out['cache-control'] = 'no-cache, private';
    out['x-accel-buffering'] = 'no';
    delete out['content-length'];
    // The stream is the connection's last response: ending it closes the socket at once (a prompt shutdown).
    if (!http2) out.connection = 'close';
    (this.res as ServerResponse).writeHead(200, out);
    this.write(`retry: ${RETRY_MS}\n\n`);
  }

  onClose(fn: () => void): void {
    this.onCloseHandlers.push(fn);
  }

  private closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.onCloseHandlers) fn();
  }

  /** Writes raw text unless the reader is too far behind (then drops it). */
  write(text: string): boolean {
    if (this.closed) return false;
    if (this.res.writableLength > this.bufferBytes) {
      this.onTooSlow();
      return false;
    }
    (this.res as ServerResponse).write(text);
    return true;
  }

  /**
   * Waits until the reader has taken what is queued down to half the bound (true), or the stream
   * closed (false). A snapshot writes through this between events, so a large snapshot paces
   * itself to its reader instead of passing the bound; a reader that takes nothing for `ms` is too slow.
   */
  async paced(ms: number): Promise<boolean> {
    const res = this.res as ServerResponse;
    if (this.closed) return false;
    // Below the mark Node flushes on its own; above it, 'drain' says when it has.
    if (res.writableLength <= this.bufferBytes / 2 || !res.writableNeedDrain) return true;
    const drained = await new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
    if (!drained && !this.closed) this.onTooSlow();
    return drained && !this.closed;
  }

  /** Runs `fn` with the response corked: the events it writes leave in one write (one syscall). */
  batch(fn: () => void): void {
    const res = this.res as ServerResponse;
    res.cork();
    try {
      fn();
    } finally {
      res.uncork();
    }
  }

  /** One event; `data` is JSON text (one line: JSON.stringify never writes a raw newline). */
  event(name: string, data: string, id?: number): boolean {
    return this.write(`event: ${name}\n${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`);
  }

  comment(text: string): boolean {
    return this.write(`: ${text}\n\n`);
  }

  /** Ends the stream, with a last event when given (written even when the reader is slow). */
  end(last?: { name: string; data: string }): void {
    if (this.closed) return;
    if (last) (this.res as ServerResponse).write(`event: ${last.name}\ndata: ${last.data}\n\n`);
    this.closed = true;
    const res = this.res;
    res.end();
    // A reader that does not read never lets the end flush: its connection goes anyway.
    const timer = setTimeout(() => ('stream' in res ? res.stream.close() : res.destroy()), 1000);
    timer.unref();
    res.once('finish', () => clearTimeout(timer));
    for (const fn of this.onCloseHandlers) fn();
  }
}
