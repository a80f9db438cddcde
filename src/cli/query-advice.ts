/**
 * `verbo check CONFIG --db DB --queries FILE`: for each list URL in FILE (one a line, `GET ` optional,
 * `#` comments), asks the database how it would run the query and advises the `indexes:` line that
 * would serve one that sorts, or scans while filtering, a table past `minRows` (docs/migrations.md).
 */
import { readFileSync } from 'node:fs';
import { ApiError } from '../errors/api-error.js';
import { parseListQuery, type QueryInput } from '../http/query/list-query-parser.js';
import type { Model } from '../model/model-types.js';
import { adviceFor } from '../store/index-advice.js';
import { openStore } from '../store/open-store.js';

/** Lines to print: `URL: advice`, and the URLs that are not list queries of the config. */
export async function queryAdvice(
  model: Model,
  db: string,
  file: string,
  minRows: number,
): Promise<{ advice: string[]; problems: string[] }> {
  const urls = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/^GET\s+/, ''))
    .filter((l) => l && !l.startsWith('#'));
  const advice: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const store = await openStore(db, { poolSize: 1 });
  try {
    const pending = await store.plan(model);
    if (pending.steps.length)
      advice.push(
        `the database is not at the config (${pending.steps.length} steps pending: verbo migrate): advice may be off`,
      );
    for (const raw of urls) {
      const url = new URL(raw, 'http://verbo.invalid');
      const path = url.pathname.slice(model.basePath.length).replace(/^\/|\/$/g, '');
      const r = model.byName.get(path);
      if (!url.pathname.startsWith(model.basePath) || !r) {
        problems.push(
          `${raw}: not a collection of the config (${model.resources.map((x) => `/${x.name}`).join(', ')})`,
        );
        continue;
      }
      const q: QueryInput = {};
      for (const [k, v] of url.searchParams) {
        const had = q[k];
        q[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
      }
      let query: ReturnType<typeof parseListQuery>['query'];
      try {
        query = parseListQuery(model, r, q).query;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        problems.push(`${raw}: ${e.message}`);
        continue;
      }
      const text = await adviseOne();
      if (text && !seen.has(text)) {
        seen.add(text);
        advice.push(`${raw}: ${text}`);
      }
      async function adviseOne() {
        const plan = await store.explain(r!, query);
        return adviceFor(r!, query, plan, await store.count(r!, []), minRows);
      }
    }
  } finally {
    await store.close();
  }
  return { advice, problems };
}
