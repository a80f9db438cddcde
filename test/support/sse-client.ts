/**
 * Reads a change stream in tests: events as they arrive, parsed as the WHATWG EventSource parser
 * would. Each stream has a connection of its own (node:http, no agent), closed with it, so no idle
 * keep-alive connection outlives a test.
 */
import { request } from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  // biome-ignore lint/suspicious/noExplicitAny: event data is inspected freely
  data: any;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Every event so far (comments as `{ event: ':', data: text }`). */
  events: SseEvent[];
  /** Resolves once `predicate` holds over the events (rejects after `ms`). */
  until(predicate: (events: SseEvent[]) => boolean, ms?: number): Promise<SseEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
  // biome-ignore lint/suspicious/noExplicitAny: error bodies are inspected freely
  body?: any;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await get(url, { accept: 'text/event-stream', ...headers }, controller.signal);
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      events,
      until: () => Promise.reject(new Error(`not a stream: ${res.status} ${text}`)),
      ended: Promise.resolve(),
      close: () => {},
      body: text ? JSON.parse(text) : undefined,
    };
  }
  let buffer = '';
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const e: { event: string; id?: string; data: string[] } = { event: 'message', data: [] };
          let comment: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = line.slice(1).trim();
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('data: ')) e.data.push(line.slice(6));
          }
          if (comment !== undefined && e.data.length === 0) events.push({ event: ':', data: comment });
          else if (e.data.length)
            events.push({ event: e.event, id: e.id, data: JSON.parse(e.data.join('\n')) });
          at = buffer.indexOf('\n\n');
        }
        notify();
      }
    } catch {
      // aborted by close()
    }
    notify();
  })();
  let done = false;
  void ended.then(() => {
    done = true;
  });
  return {
    status: res.status,
    headers: res.headers,
    events,
    ended,
    close: () => controller.abort(),
    async until(predicate, ms = 8000) {
      const deadline = Date.now() + ms;
      while (!predicate(events)) {
        if (done) throw new Error(`stream ended; events: ${JSON.stringify(events)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out; events: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return events;
    },
  };
}

/** The data events (no comments), as `kind id` lines for compact assertions. */
export const kinds = (events: SseEvent[]): string[] =>
  events.filter((e) => e.event !== ':').map((e) => `${e.event} ${e.data?.id ?? ''}`.trim());

interface Got {
  status: number;
  headers: Headers;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
}

function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, signal }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
      resolve({
        status: res.statusCode ?? 0,
        headers: h,
        body: res,
        async text() {
          let out = '';
          for await (const chunk of res) out += chunk;
          return out;
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
