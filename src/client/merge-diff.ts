/** The JSON Merge Patch (RFC 7396) that turns one record into another; used by `update(id, fn)`. */

const SERVER_SET = new Set(['id', 'createdAt', 'updatedAt']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  top: boolean,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (top && SERVER_SET.has(key)) continue;
    const a = before[key];
    const b = after[key];
    if (b === undefined || jsonEqual(a, b)) continue;
    patch[key] = isPlainObject(a) && isPlainObject(b) ? diff(a, b, false) : b;
  }
  for (const key of Object.keys(before)) {
    if (top && SERVER_SET.has(key)) continue;
    if (after[key] === undefined && before[key] !== undefined && before[key] !== null) patch[key] = null;
  }
  return patch;
}

/** A merge patch from `before` to `after`; server-set fields (id, createdAt, updatedAt) are left out. */
export function mergeDiff(before: object, after: object): Record<string, unknown> {
  return diff(before as Record<string, unknown>, after as Record<string, unknown>, true);
}
