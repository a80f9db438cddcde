/**
 * References between a batch's operations: a string `"$c.id"` anywhere in a later operation's body
 * is replaced by that value of the result of the operation named `ref: c` (its type kept), and a
 * path segment `$c.id` by its text. A name no earlier operation took → 422 at that place.
 */
import { ApiError } from '../../errors/api-error.js';

const WHOLE = /^\$([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_.]*)$/;

export type Results = Map<string, unknown>;

function lookup(results: Results, name: string, path: string, pointer: string, text: string): unknown {
  if (!results.has(name))
    throw ApiError.of('VALIDATION_FAILED', `${text} names no earlier operation with ref: ${name}`, {
      pointer,
      vars: { field: text },
    });
  let value: unknown = results.get(name);
  for (const key of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined)
    throw ApiError.of('VALIDATION_FAILED', `${text}: the result of ${name} has no ${path}`, {
      pointer,
      vars: { field: text },
    });
  return value;
}

/** `value` with every reference replaced; `pointer` is where `value` sits in the batch body. */
export function resolveBody(value: unknown, results: Results, pointer: string): unknown {
  if (typeof value === 'string') {
    const m = WHOLE.exec(value);
    return m ? lookup(results, m[1], m[2], pointer, value) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveBody(v, results, `${pointer}/${i}`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = resolveBody(v, results, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    return out;
  }
  return value;
}

/** The path with `$ref.field` segments replaced by their values, percent-encoded. */
export function resolvePath(path: string, results: Results, pointer: string): string {
  const [route, query] = path.split(/\?(.*)/s, 2);
  const resolved = route
    .split('/')
    .map((segment) => {
      const m = WHOLE.exec(segment);
      return m ? encodeURIComponent(String(lookup(results, m[1], m[2], pointer, segment))) : segment;
    })
    .join('/');
  return query === undefined ? resolved : `${resolved}?${query}`;
}
