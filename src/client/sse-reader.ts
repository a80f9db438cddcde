/**
 * Reads a Server-Sent Events body (WHATWG HTML §9.2.6) from a fetch Response as it arrives: lines
 * ended by CRLF, LF or CR; `event`, `data` (joined by newlines), `id` and `retry` fields; comments
 * skipped. Uses only ReadableStream and TextDecoder, so it runs in Node 20+ and in browsers.
 */

export interface SseMessage {
  event: string;
  data: string;
  /** The stream's last event id after this event (ids carry over to later events, as in EventSource). */
  lastEventId: string | undefined;
}

/** Yields each dispatched event; `onRetry` hears each `retry:` advice (ms). */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onRetry: (ms: number) => void,
  lastEventId?: string,
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id = lastEventId;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1 && !done)) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: data.join('\n'), lastEventId: id };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
