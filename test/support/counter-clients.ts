/**
 * Clients that each add 1 to a shared counter the two safe ways HTTP offers: JSON
 * Patch `test` + `replace` (a lost race → 409, retry) and If-Match with the ETag read before
 * (a lost race → 412, retry). Any other answer is an error: the final count must be exact.
 */
export const COUNTER_YAML = `
name: counters
resources:
  counters:
    fields:
      name: { type: string, required: true }
      counter: { type: integer, required: true }
`;

export interface IncrementStats {
  /** Increments acknowledged with 200. */
  done: number;
  /** Races lost (409 or 412) and retried. */
  retries: number;
}

type Fetcher = (path: string, init: RequestInit) => Promise<Response>;

async function read(fetcher: Fetcher, path: string): Promise<{ value: number; etag: string }> {
  const res = await fetcher(path, { method: 'GET' });
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { counter: number };
  return { value: body.counter, etag: res.headers.get('etag') ?? '' };
}

/** Adds 1 with JSON Patch test+replace, retrying on 409 (`maxTries` bounds a livelock). */
export async function incrementWithPatchTest(
  fetcher: Fetcher,
  path: string,
  stats: IncrementStats,
  maxTries = 500,
): Promise<void> {
  for (let i = 0; i < maxTries; i++) {
    const { value } = await read(fetcher, path);
    const ops = [
      { op: 'test', path: '/counter', value },
      { op: 'replace', path: '/counter', value: value + 1 },
    ];
    const res = await fetcher(path, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify(ops),
    });
    const text = await res.text();
    if (res.status === 200) return void stats.done++;
    if (res.status !== 409) throw new Error(`JSON Patch increment → ${res.status} ${text}`);
    stats.retries++;
  }
  throw new Error(`no JSON Patch increment landed in ${maxTries} tries`);
}

/** Adds 1 with a merge patch under If-Match, retrying on 412. */
export async function incrementWithIfMatch(
  fetcher: Fetcher,
  path: string,
  stats: IncrementStats,
  maxTries = 500,
): Promise<void> {
  for (let i = 0; i < maxTries; i++) {
    const { value, etag } = await read(fetcher, path);
    const res = await fetcher(path, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag },
      body: JSON.stringify({ counter: value + 1 }),
    });
    const text = await res.text();
    if (res.status === 200) return void stats.done++;
    if (res.status !== 412) throw new Error(`If-Match increment → ${res.status} ${text}`);
    stats.retries++;
  }
  throw new Error(`no If-Match increment landed in ${maxTries} tries`);
}

/** `clients` concurrent clients, half of each kind, each adding `each` to the counter at `path`. */
export async function raceIncrements(
  fetcher: Fetcher,
  path: string,
  clients: number,
  each = 1,
): Promise<IncrementStats> {
  const stats: IncrementStats = { done: 0, retries: 0 };
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      for (let k = 0; k < each; k++) {
        if (i % 2 === 0) await incrementWithPatchTest(fetcher, path, stats);
        else await incrementWithIfMatch(fetcher, path, stats);
      }
    }),
  );
  return stats;
}
