/** `verbo serve`: loads the config, opens the store, serves until SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from '../http/app.js';
import { loadModel, type Model } from '../model/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { StoreUnavailable } from '../store/store-errors.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { runCluster, type Serving, untilStopSignal } from './cluster-runner.js';
import { configPath } from './config-path.js';
import { databaseLabel } from './database-label.js';
import { logFormatOf, loggerOptions } from './log-options.js';
import { syncForServe } from './migrate-command.js';
import { seedIfEmpty } from './seed-data.js';
import { type ServerFactory, serveWatching, type Watching } from './serve-watch.js';

export const SERVE_USAGE = `Usage: verbo serve [CONFIG] [options]

Serves the resources declared in CONFIG (default: ./verbo.yaml or ./verbo.json).

Options:
  --port N          port to listen on (default 3000; 0 picks a free one)
  --host HOST       address to bind (default 127.0.0.1)
  --db PATH|URL     SQLite file, :memory:, or postgres://… (default ./data/verbo.sqlite, or $DATABASE_URL)
  --pool-size N     most PostgreSQL connections per process for writes and transactions (default 10)
  --read-pool-size N  … and for plain reads, up to 8 in flight on each (default: half of --pool-size)
  --workers N       run N processes on one port (default 1); the store must be a file or PostgreSQL
  --seed FILE       fill an empty database from a JSON file { resource: [records] }
  --watch           development: reload CONFIG when it changes (safe migration steps are
                    applied; otherwise the previous API keeps serving and the plan is printed)
  --production      hide internals in 5xx errors; the admin app is off unless the
                    config says admin.enabled: true (also NODE_ENV=production)
  --tls-cert FILE   serve HTTPS with this certificate (PEM) …
  --tls-key FILE    … and this key (PEM)
  --log-level LVL   pino level: fatal, error, warn, info (default), debug, silent
  --log-format F    pretty (one readable line per request; the default at a terminal)
                    or json (pino JSON lines, RFC 3339 times; the default otherwise)
  --shutdown-grace S  on SIGTERM, seconds in-flight requests get to finish before their
                    connections are cut (default 10; a client trickling a body never holds exit up)
  -h, --help        show this help`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    'pool-size': { type: 'string' },
    'read-pool-size': { type: 'string' },
    workers: { type: 'string' },
    seed: { type: 'string' },
    watch: { type: 'boolean' },
    production: { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    'shutdown-grace': { type: 'string' },
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new UsageError('--tls-cert and --tls-key go together');
  const workers = positiveInteger('--workers', values.workers) ?? 1;
  const poolSize = positiveInteger('--pool-size', values['pool-size']);
  const readPoolSize = positiveInteger('--read-pool-size', values['read-pool-size']);
  const graceMs = (positiveInteger('--shutdown-grace', values['shutdown-grace']) ?? 10) * 1000;
  const logger = await loggerOptions(
    values['log-level'] ?? 'info',
    logFormatOf(values['log-format'], process.stdout.isTTY === true),
  );
  const file = configPath(positionals[0]);
  const model = loadModel(file);
  const db = values.db ?? process.env.DATABASE_URL ?? 'data/verbo.sqlite';
  const https = values['tls-cert']
    ? { cert: readFile(values['tls-cert'], '--tls-cert'), key: readFile(values['tls-key']!, '--tls-key') }
    : undefined;
  const host = values.host ?? '127.0.0.1';
  const banner = (address: string) => bannerText(model, address, db);
  /** Opens and syncs the store; a database that cannot be reached is named (never with its password). */
  const openSynced = async (
    pools: { poolSize?: number; readPoolSize?: number },
    check?: (store: Store) => void,
  ): Promise<Store> => {
    const store = await openStore(db, pools);
    try {
      check?.(store);
      await syncForServe(store, model, file, db);
      return store;
    } catch (e) {
      await store.close().catch(() => undefined);
      if (e instanceof StoreUnavailable)
        throw new Error(`cannot use the database (${databaseLabel(db)}): ${e.message}`, { cause: e });
      throw e;
    }
  };
  const production = values.production || process.env.NODE_ENV === 'production';
  const build = (m: Model, store: Store, serverFactory?: ServerFactory) =>
    buildApp({ model: m, store, production, logger, https, serverFactory });
  /** Opens and syncs the store (safe in several processes at once: the sync takes a lock), builds the app, listens. */
  const serve = async (seed?: string): Promise<Serving> => {
    const store = await openSynced({ poolSize, readPoolSize });
    try {
      if (seed) await seedIfEmpty(model, store, seed);
      const app = await build(model, store);
      const address = await app.listen({ port, host }).catch(async (e) => {
        await app.close();
        throw listenError(e, host, port);
      });
      const close = async () => {
        // In-flight requests finish with their real answer; whatever is still open after the grace
        // period (a client that never finishes its body) is cut, so the process always exits.
        const deadline = setTimeout(() => app.server.closeAllConnections?.(), graceMs);
        deadline.unref();
        try {
          await app.close();
        } finally {
          clearTimeout(deadline);
        }
        await store.close();
      };
      return { address, close };
    } catch (e) {
      await store.close();
      throw e;
    }
  };

  if (values.watch) {
    if (workers > 1) throw new UsageError('--watch reloads one process: leave out --workers');
    const store = await openSynced({ poolSize, readPoolSize });
    let watching: Watching;
    try {
      if (values.seed) await seedIfEmpty(model, store, values.seed);
      const options = {
        file,
        db,
        store,
        port,
        host,
        https,
        graceMs,
        build: (m: Model, f: ServerFactory) => build(m, store, f),
      };
      watching = await serveWatching(options, model).catch((e) => {
        throw listenError(e, host, port);
      });
    } catch (e) {
      await store.close();
      throw e;
    }
    console.log(
      `${banner(watching.address)}\n  watching  ${resolve(file)} (changes are applied as they are saved)`,
    );
    await untilStopSignal();
    await watching.close();
    await store.close();
    return 0;
  }
  if (workers > 1) {
    const prepare = async () => {
      const store = await openSynced({ poolSize: 1, readPoolSize: 1 }, (opened) => {
        if (!opened.capabilities.multiProcess)
          throw new UsageError(
            `--workers needs a database several processes can share (a file or PostgreSQL), not ${db}`,
          );
      });
      try {
        if (values.seed) await seedIfEmpty(model, store, values.seed);
      } finally {
        await store.close();
      }
    };
    return runCluster({ workers, prepare, serve: () => serve(), banner, https: Boolean(https) });
  }
  const serving = await serve(values.seed);
  console.log(banner(serving.address));
  await untilStopSignal();
  await serving.close();
  return 0;
}

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, got ${raw}`);
  return n;
}

/** The lines printed once the server listens: where the API, its docs and its data are. */
function bannerText(model: Model, address: string, db: string): string {
  const api = `${address}${model.basePath}`;
  const n = model.resources.length;
  return [
    `verbo: serving ${model.resources.map((r) => r.name).join(', ')} at ${api}`,
    `  API       ${api}/${model.resources[0].name}  (${n} resource${n === 1 ? '' : 's'})`,
    `  docs      ${api}/docs`,
    `  OpenAPI   ${api}/openapi.json`,
    `  database  ${databaseLabel(db)}`,
  ].join('\n');
}

/** What to do about a port that cannot be taken. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE')
    return new Error(
      `port ${port} on ${host} is already in use (EADDRINUSE): use --port to pick another (--port 0 picks a free one)`,
    );
  if (e.code === 'EACCES')
    return new Error(
      `not allowed to listen on port ${port} on ${host} (EACCES): use --port with a port above 1023`,
    );
  if (e.code === 'EADDRNOTAVAIL')
    return new Error(`${host} is not an address of this machine (EADDRNOTAVAIL): check --host`);
  return e;
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code})`;
    throw new Error(`${flag} ${resolve(path)} ${why}`, { cause: e });
  }
}
