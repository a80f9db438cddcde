/**
 * Change streams (docs/realtime.md): the same GET as the page, asked as `text/event-stream`, read
 * with fetch rather than `EventSource` so that a tab in the background can let its connection go
 * (browsers allow six per server over HTTP/1.1, shared by every tab) and take up where it left off
 * when it is shown again (`Last-Event-ID`, which only the browser may set on an `EventSource`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Row } from './format.js';
import { lang } from './i18n.js';

export interface LiveHandlers {
  created?: (row: Row) => void;
  updated?: (row: Row) => void;
  deleted?: (row: { id: Row['id'] }) => void;
  /** The server no longer has the changes since this stream's last event: read again. */
  reset?: () => void;
}

/** How long a hidden tab keeps its stream open. */
const HIDDEN_GRACE_MS = 30_000;

/**
 * Follows `url` while the component lives (no stream when `url` is undefined); true while the
 * stream is open (every change from then on will come).
 */
export function useLive(url: string | undefined, handlers: LiveHandlers): boolean {
  const current = useRef(handlers);
  current.current = handlers;
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(false);
    if (!url) return;
    const stream = new LiveStream(url, setLive, (kind, data) => {
      const handler = current.current[kind as keyof LiveHandlers] as ((v: unknown) => void) | undefined;
      handler?.(data ? JSON.parse(data) : undefined);
    });
    return () => stream.stop();
  }, [url]);
  return live;
}

class LiveStream {
  private lastId = '';
  private retryMs = 2000;
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly connected: (on: boolean) => void,
    private readonly dispatch: (kind: string, data: string) => void,
  ) {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private readonly onVisibility = () => {
    clearTimeout(this.timer);
    if (document.visibilityState === 'hidden')
      this.timer = setTimeout(() => {
        this.abort?.abort();
        this.abort = undefined;
      }, HIDDEN_GRACE_MS);
    else if (!this.abort) this.connect();
  };

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    let again = true;
    try {
      const res = await fetch(this.url, {
        headers: {
          accept: 'text/event-stream',
          'accept-language': lang,
          ...(this.lastId ? { 'last-event-id': this.lastId } : {}),
        },
        credentials: 'same-origin',
        signal: abort.signal,
      });
      // Refused (signed out, no such record, too many streams): no point in asking again.
      if (!res.ok || !res.body) again = res.status >= 500;
      else {
        // The server has taken its place in the change log before answering: every later change comes.
        this.connected(true);
        await this.read(res.body);
      }
    } catch {
      // A dropped connection, or aborted (hidden, stopped): the checks below decide.
    }
    if (this.stopped) return;
    this.connected(false);
    if (this.abort !== abort || !again) return;
    this.abort = undefined;
    this.timer = setTimeout(() => this.connect(), this.retryMs);
  }

  private deliver(kind: string, data: string): void {
    try {
      this.dispatch(kind, data);
    } catch (e) {
      // A page's bug, not the stream's: reported as the page's error, the stream goes on.
      setTimeout(() => {
        throw e;
      });
    }
  }

  /** The event stream format (HTML § server-sent events): fields per line, a blank line ends an event. */
  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let kind = '';
    let data: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.replace(/\r$/, '');
        if (line === '') {
          if (data.length) this.deliver(kind || 'message', data.join('\n'));
          kind = '';
          data = [];
          continue;
        }
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment (the heartbeat)
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') kind = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id') this.lastId = text;
        else if (field === 'retry' && /^\d+$/.test(text)) this.retryMs = Number(text);
      }
    }
  }
}
