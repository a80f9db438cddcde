/** docs/query.md query strings from objects: `{ amount: { gte: 10 } }` → `amount[gte]=10`; Link headers back to URLs. */

const OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'ilike', 'null']);

function scalar(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return String(v);
  throw new TypeError(`a filter value must be a string, number, boolean or Date, got ${JSON.stringify(v)}`);
}

const list = (v: unknown): string => (Array.isArray(v) ? v.map(scalar).join(',') : scalar(v));

/** `[key, value]` pairs of the filters, in the order given. */
export function filterPairs(where: object | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [field, cond] of Object.entries(where ?? {})) {
    if (cond === undefined) continue;
    if (cond === null) pairs.push([`${field}[null]`, 'true']);
    else if (Array.isArray(cond)) pairs.push([`${field}[in]`, list(cond)]);
    else if (typeof cond === 'object' && !(cond instanceof Date)) {
      for (const [op, v] of Object.entries(cond)) {
        if (v === undefined) continue;
        if (!OPERATORS.has(op)) throw new TypeError(`unknown filter operator "${op}" on ${field}`);
        pairs.push([`${field}[${op}]`, op === 'in' || op === 'nin' ? list(v) : scalar(v)]);
      }
    } else pairs.push([field, scalar(cond)]);
  }
  return pairs;
}

export interface QueryParts {
  where?: object;
  q?: string;
  sort?: string | readonly string[];
  limit?: number;
  offset?: number;
  cursor?: string;
  fields?: readonly unknown[];
  embed?: readonly unknown[];
  count?: boolean | 'estimated';
}

/** Keeps `amount[gte]` and `id[in]=1,2` readable; servers decode them the same either way. */
const encodeKey = (s: string): string => encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
const encodeValue = (s: string): string => encodeURIComponent(s).replace(/%2C/g, ',');

export function buildQuery(q: QueryParts): string {
  const pairs = filterPairs(q.where);
  if (q.q !== undefined) pairs.push(['q', q.q]);
  const joined = (v: string | readonly unknown[]) => (typeof v === 'string' ? v : v.map(String).join(','));
  if (q.sort !== undefined) pairs.push(['sort', joined(q.sort)]);
  if (q.limit !== undefined) pairs.push(['limit', String(q.limit)]);
  if (q.offset !== undefined) pairs.push(['offset', String(q.offset)]);
  if (q.cursor !== undefined) pairs.push(['cursor', q.cursor]);
  if (q.fields?.length) pairs.push(['fields', joined(q.fields)]);
  if (q.embed?.length) pairs.push(['embed', joined(q.embed)]);
  if (q.count === true) pairs.push(['count', 'true']);
  return pairs.map(([k, v]) => `${encodeKey(k)}=${encodeValue(v)}`).join('&');
}

/** RFC 8288 Link header → `{ next: url, prev: url, … }` (targets as written, usually absolute paths). */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]);
    if (!rel) continue;
    for (const name of rel[1].trim().split(/\s+/)) if (!(name in links)) links[name] = m[1];
  }
  return links;
}
