/**
 * `verbo check CONFIG --db DB --queries FILE`: for each list URL in FILE (one a line, `GET ` optional,
 * `#` comments), asks the database how it would run the query and advises the `indexes:` line that
 * would serve one that sorts, or scans while filtering, a table past `minRows` (docs/migrations.md).
 * Each URL goes through the app itself (`buildApp`, `inject`), so it is read exactly as a request.
 */
import { readFileSync } from 'node:fs';
import { buildApp } from '../http/app.js';
import type { Model, ResourceDef } from '../model/model-types.js';
import { adviceFor } from '../store/index-advice.js';
import { openStore } from '../store/open-store.js';
import type { ListQuery } from '../store/query-types.js';
import type { Store } from '../store/store.js';

type Problem = { internalMessage?: string };

/** Lines to print: `URL: advice`, and the URLs that are not list queries the app answers. */
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
  const store = await openStore(db, { poolSize: 1 });
  // The first list of each request is the one its URL asked for (embeds list afterwards).
  let listed: { r: ResourceDef; query: ListQuery } | undefined;
  const spy = new Proxy(store, {
    get(target, key) {
      // A list is read as rows or, where the store builds the JSON itself, as texts (http/query/page-reader.ts).
      if (key === 'list' || key === 'listJson') {
        const read = Reflect.get(target, key, target) as ((...a: unknown[]) => unknown) | undefined;
        return (
          read &&
          ((r: ResourceDef, query: ListQuery, ...rest: unknown[]) => {
            listed ??= { r, query };
            return read.call(target, r, query, ...rest);
          })
        );
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  try {
    // Only reads: a database behind its config gets no advice (its indexes are not those declared).
    const pending = await store.plan(model);
    if (pending.steps.length || pending.refused.length) {
      problems.push(`the database is not at the config: run verbo migrate first (docs/migrations.md)`);
      return { advice, problems };
    }
    await store.sync(model, { allow: 'safe' }); // nothing to apply: prepares the store's statements
    const app = await buildApp({
      model,
      store: spy,
      logger: false,
      indexAdviceMinRows: Number.MAX_SAFE_INTEGER,
      inProcess: true,
    });
    try {
      for (const url of urls) {
        listed = undefined;
        const res = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
        if (res.statusCode !== 200 || !listed) {
          const body = res.statusCode === 200 ? [] : (res.json() as Problem[] | { errors?: Problem[] });
          const errors = Array.isArray(body) ? body : (body.errors ?? []);
          const why = [res.statusCode, ...errors.map((e) => e.internalMessage)].join(': ');
          problems.push(`${url}: not a list query of the config (${why})`);
          continue;
        }
        const { r, query } = listed;
        const text = adviceFor(r, query, await store.explain(r, query), await store.count(r, []), minRows);
        if (text) advice.push(`${url}: ${text}`);
      }
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
  return { advice, problems };
}
