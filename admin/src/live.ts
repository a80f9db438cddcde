/**
 * Change streams (docs/realtime.md): the same GET as the page, asked as `text/event-stream` by the
 * browser's `EventSource` (which sends the session cookie and resumes with `Last-Event-ID` itself).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Row } from './format.js';

export interface LiveHandlers {
  created?: (row: Row) => void;
  updated?: (row: Row) => void;
  deleted?: (row: { id: Row['id'] }) => void;
  /** The server no longer has the changes since this stream's last event: read again. */
  reset?: () => void;
}

const KINDS = ['created', 'updated', 'deleted', 'reset'] as const;

/** Follows `url` while the component lives (no stream when `url` is undefined). */
export function useLive(url: string | undefined, handlers: LiveHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') return;
    const source = new EventSource(url);
    for (const kind of KINDS)
      source.addEventListener(kind, (e) => {
        const data = (e as MessageEvent<string>).data;
        const handler = current.current[kind] as ((v: unknown) => void) | undefined;
        handler?.(data ? JSON.parse(data) : undefined);
      });
    return () => source.close();
  }, [url]);
}
