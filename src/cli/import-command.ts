/**
 * `verbo import FILE --resource R` and `verbo import db.json --from json-server` (docs/bulk.md):
 * the file is posted to `/{r}/imports` of the app in process, like any client's import, and the job
 * is followed to its end with a progress line. Exit 0: every row written; 1: rows failed; 2: the
 * import could not run.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, formatProblem } from '../model/config-problem.js';
import { type BulkApp, openBulkApp, problemLines } from './bulk-app.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { jsonServerPlan } from './json-server-import.js';
import { ProgressLine } from './progress-line.js';

export const IMPORT_USAGE = `Usage: verbo import FILE --resource NAME [options]
       verbo import db.json --from json-server [options]

Imports the rows of FILE (.ndjson/.jsonl, .csv with a header row, .json array) into a resource,
through the same validation and rules as POST /{resource}/imports. From json-server: each top-level
array of db.json goes to the resource of the same name, ids kept, in the order of their references.

Options:
  --resource NAME     the resource to import into
  --from json-server  FILE is a json-server db.json
  --config FILE       the config (default: ./verbo.yaml or ./verbo.json)
  --db PATH|URL       SQLite file or postgres://… (default ./data/verbo.sqlite, or $DATABASE_URL)
  --mode MODE         all-or-nothing (default: nothing is written if a row fails) or valid-rows
  --on-conflict WHAT  a row whose id or unique field exists: fail (default), skip or update
  --format FORMAT     ndjson, csv or json (default: from the file's extension)
  -h, --help          show this help

Exit codes: 0 every row imported, 1 some rows failed, 2 the import could not run.`;

const TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv', json: 'application/json' } as const;
const BY_EXTENSION: Record<string, keyof typeof TYPES> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
  '.json': 'json',
};

interface JobState {
  state: string;
  progress: { done: number; total: number | null };
  result: null | {
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    errors: { code: string; pointer?: string; internalMessage: string }[];
    moreErrors: number;
  };
}

/** Posts one body to /{resource}/imports and follows the job; the exit code. */
export async function runImport(
  bulk: BulkApp,
  resource: string,
  body: Readable,
  type: string,
  query: string,
  label = `import ${resource}`,
): Promise<number> {
  const { app, model } = bulk;
  const res = await app.inject({
    method: 'POST',
    url: `${model.basePath}/${resource}/imports${query}`,
    headers: { 'content-type': type },
    payload: body,
  });
  if (res.statusCode !== 202) {
    for (const line of problemLines(res.body)) console.error(`verbo import: ${line}`);
    return 2;
  }
  const location = res.headers.location as string;
  const progress = new ProgressLine(label);
  let job = res.json() as JobState;
  while (job.state === 'queued' || job.state === 'running') {
    progress.update(job.progress.done, job.progress.total);
    await new Promise((r) => setTimeout(r, 200));
    job = (await app.inject({ method: 'GET', url: location })).json() as JobState;
  }
  progress.finish(job.progress.done, job.progress.total);
  const r = job.result;
  if (!r) return 2;
  console.error(
    `${label}: ${job.state}: ${r.created} created, ${r.updated} updated, ${r.skipped} skipped, ${r.failed} failed`,
  );
  for (const e of r.errors.slice(0, 20))
    console.error(`  ${e.pointer ?? ''} ${e.code}: ${e.internalMessage}`);
  if (r.errors.length > 20 || r.moreErrors)
    console.error(`  … and ${r.errors.length - 20 + r.moreErrors} more`);
  if (job.state === 'succeeded' && r.failed === 0) return 0;
  return r.failed > 0 ? 1 : 2;
}

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    resource: { type: 'string' },
    from: { type: 'string' },
    config: { type: 'string' },
    db: { type: 'string' },
    mode: { type: 'string' },
    'on-conflict': { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    console.log(IMPORT_USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('a FILE to import is needed');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (values.from !== undefined && values.from !== 'json-server')
    throw new UsageError(`--from ${values.from}: only json-server is known`);
  if (!values.from && !values.resource)
    throw new UsageError('--resource NAME is needed (or --from json-server)');
  const format = values.format ?? BY_EXTENSION[extname(file).toLowerCase()];
  if (!values.from && !(format in TYPES))
    throw new UsageError(`--format must be ndjson, csv or json (the extension of ${file} does not say)`);
  try {
    statSync(file);
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  const query = new URLSearchParams();
  if (values.mode) query.set('mode', values.mode);
  if (values['on-conflict']) query.set('onConflict', values['on-conflict']);
  const q = query.size ? `?${query}` : '';
  let bulk: BulkApp;
  try {
    bulk = await openBulkApp(values.config, values.db);
  } catch (e) {
    if (e instanceof ConfigError)
      for (const p of e.problems) console.error(`verbo import: ${formatProblem(p)}`);
    else console.error(`verbo import: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (!values.from) {
      if (!bulk.model.byName.has(values.resource!)) {
        console.error(`verbo import: the config declares no resource ${values.resource}`);
        return 2;
      }
      return await runImport(
        bulk,
        values.resource!,
        createReadStream(file),
        TYPES[format as keyof typeof TYPES],
        q,
      );
    }
    const plan = jsonServerPlan(bulk.model, file);
    for (const note of plan.notes) console.error(`verbo import: ${note}`);
    let worst = 0;
    for (const step of plan.steps) {
      const body = Readable.from(step.rows.map((row) => `${JSON.stringify(row)}\n`));
      const code = await runImport(bulk, step.resource, body, TYPES.ndjson, q);
      worst = Math.max(worst, code);
      if (code === 2) break;
    }
    return worst;
  } finally {
    await bulk.close();
  }
}
