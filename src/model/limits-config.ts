/**
 * The `limits` top-level key (docs/limits.md): how large a request may be. `bodyBytes` is the same
 * setting as the older top-level `bodyLimit` (give one of them).
 */
export interface RequestLimits {
  /** Longest request target (path and query), bytes → 414. */
  urlBytes: number;
  /** Deepest nesting of arrays and objects in a JSON body → 422. */
  jsonDepth: number;
  /** Most items in one array of a JSON body → 422. */
  arrayItems: number;
  /** Largest import body (`POST /{r}/imports`, docs/bulk.md), bytes → 413. */
  importBytes: number;
}

export const DEFAULT_BODY_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  urlBytes: 8192,
  jsonDepth: 64,
  arrayItems: 10_000,
  importBytes: 1024 * 1024 * 1024,
};

const LIMIT_KEYS = ['bodyBytes', 'urlBytes', 'jsonDepth', 'arrayItems', 'importBytes'] as const;

type Report = (path: (string | number)[], message: string) => void;

const positive = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** Reads `limits` and `bodyLimit`; every problem is reported, defaults fill the rest. */
export function readLimits(
  data: Record<string, unknown>,
  report: Report,
): { bodyLimit: number; limits: RequestLimits } {
  const raw = data.limits;
  const limits = { ...DEFAULT_REQUEST_LIMITS };
  let bodyLimit = DEFAULT_BODY_BYTES;
  if (data.bodyLimit !== undefined) {
    if (positive(data.bodyLimit)) bodyLimit = data.bodyLimit;
    else report(['bodyLimit'], 'must be a positive integer (bytes)');
  }
  if (raw === undefined) return { bodyLimit, limits };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(['limits'], `must be a mapping of ${LIMIT_KEYS.join(', ')}`);
    return { bodyLimit, limits };
  }
  for (const [key, v] of Object.entries(raw)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key))
      report(['limits', key], `unknown key (expected one of ${LIMIT_KEYS.join(', ')})`);
    else if (!positive(v)) report(['limits', key], 'must be a positive integer');
    else if (key === 'bodyBytes') {
      if (data.bodyLimit !== undefined) report(['limits', key], 'bodyLimit says the same: give one of them');
      bodyLimit = v;
    } else limits[key as keyof RequestLimits] = v;
  }
  return { bodyLimit, limits };
}
