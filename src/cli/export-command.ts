/**
 * `verbo export R [--format csv|ndjson] [--where F=V]… > file` (docs/bulk.md): the list of the app
 * in process, streamed to standard output as it is read (memory stays flat). Exit 0, or 2 when the
 * export could not run.
 */
import { pipeline } from 'node:stream/promises';
import { ConfigError, formatProblem } from '../model/config-problem.js';
import { type BulkApp, openBulkApp, problemLines } from './bulk-app.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { fdWriter } from './fd-writer.js';

export const EXPORT_USAGE = `Usage: verbo export RESOURCE [options] > FILE

Writes every record of RESOURCE (or those the filters match) to standard output, as CSV (RFC 4180,
a header row) or NDJSON, through the same filters, sort and representation as GET /{resource}.

Options:
  --format FORMAT   csv (default) or ndjson
  --where F=V       a filter, as in the query string (status=active, amount[gte]=100); repeatable
  --sort FIELDS     e.g. -createdAt,name
  --fields FIELDS   only these fields, in this order
  --config FILE     the config (default: ./verbo.yaml or ./verbo.json)
  --db PATH|URL     SQLite file or postgres://… (default ./data/verbo.sqlite, or $DATABASE_URL)
  -h, --help        show this help`;

const ACCEPT = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string' },
    where: { type: 'string', multiple: true },
    sort: { type: 'string' },
    fields: { type: 'string' },
    config: { type: 'string' },
    db: { type: 'string' },
  });
  if (values.help) {
    console.log(EXPORT_USAGE);
    return 0;
  }
  const [resource, ...extra] = positionals;
  if (!resource) throw new UsageError('a RESOURCE to export is needed');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const format = (values.format ?? 'csv') as keyof typeof ACCEPT;
  if (!(format in ACCEPT)) throw new UsageError(`--format must be csv or ndjson, not ${values.format}`);
  const query = new URLSearchParams();
  for (const w of values.where ?? []) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where ${w}: expected FIELD=VALUE (or FIELD[op]=VALUE)`);
    query.append(w.slice(0, eq), w.slice(eq + 1));
  }
  if (values.sort) query.set('sort', values.sort);
  if (values.fields) query.set('fields', values.fields);
  let bulk: BulkApp;
  try {
    bulk = await openBulkApp(values.config, values.db);
  } catch (e) {
    if (e instanceof ConfigError)
      for (const p of e.problems) console.error(`verbo export: ${formatProblem(p)}`);
    else console.error(`verbo export: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (!bulk.model.byName.has(resource)) {
      console.error(`verbo export: the config declares no resource ${resource}`);
      return 2;
    }
    const res = await bulk.app.inject({
      method: 'GET',
      url: `${bulk.model.basePath}/${resource}${query.size ? `?${query}` : ''}`,
      headers: { accept: ACCEPT[format] },
      payloadAsStream: true,
    });
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res.stream()) chunks.push(c as Buffer);
      for (const line of problemLines(Buffer.concat(chunks).toString('utf8')))
        console.error(`verbo export: ${line}`);
      return 2;
    }
    // Standard output redirected to a file is written synchronously by process.stdout (Node's
    // SyncWriteStream): the export then never yields, and the buffers of written pages pile up
    // faster than the GC frees them (RSS grew with the table). Asynchronous writes to fd 1, with
    // backpressure, keep it flat, to a file or a pipe alike (cli/fd-writer.ts).
    try {
      await pipeline(res.stream(), fdWriter(1));
    } catch (e) {
      // `verbo export … | head`: a closed pipe is the reader's choice, not an error.
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    }
    return 0;
  } finally {
    await bulk.close();
  }
}
