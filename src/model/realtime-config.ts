/**
 * The `realtime` top-level key (docs/realtime.md): how long the change log is kept, how many
 * change streams may be open, how often they carry a heartbeat, how much a stream may buffer.
 */
export interface RealtimeSettings {
  /** Change-log entries older than this go (default 24 h). */
  retentionHours: number;
  /** …and entries beyond the newest this many (default 1 000 000). */
  retentionChanges: number;
  /** Open streams per process (default 10 000) → 429 beyond. */
  maxStreams: number;
  /** Open streams per caller (signed-in user, else client address) per process (default 100) → 429 beyond. */
  maxStreamsPerCaller: number;
  /** A `: heartbeat` comment this often (default 15 s). */
  heartbeatSeconds: number;
  /** Bytes a stream may have queued but unread before it is dropped (default 1 MiB). */
  bufferBytes: number;
}

export const DEFAULT_REALTIME: RealtimeSettings = {
  retentionHours: 24,
  retentionChanges: 1_000_000,
  maxStreams: 10_000,
  maxStreamsPerCaller: 100,
  heartbeatSeconds: 15,
  bufferBytes: 1024 * 1024,
};

const KEYS = Object.keys(DEFAULT_REALTIME) as (keyof RealtimeSettings)[];

type Report = (path: (string | number)[], message: string) => void;

/** Reads `realtime`; every problem is reported, defaults fill the rest. */
export function readRealtime(raw: unknown, report: Report): RealtimeSettings {
  const out = { ...DEFAULT_REALTIME };
  if (raw === undefined) return out;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(['realtime'], `must be a mapping of ${KEYS.join(', ')}`);
    return out;
  }
  for (const [key, v] of Object.entries(raw)) {
    if (!(KEYS as string[]).includes(key))
      report(['realtime', key], `unknown key (expected one of ${KEYS.join(', ')})`);
    else if (typeof v !== 'number' || !(v > 0) || (key !== 'retentionHours' && !Number.isInteger(v)))
      report(['realtime', key], 'must be a positive number');
    else out[key as keyof RealtimeSettings] = v;
  }
  return out;
}
