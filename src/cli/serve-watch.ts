/**
 * `verbo serve --watch` (development): the config is read again when its file changes. A valid
 * config whose plan has only safe steps is applied and served at once, on the same listening socket
 * (open connections stay open: each request goes to the app current when it arrives); an invalid
 * config, or one whose plan needs `verbo migrate`, leaves the previous API serving, with every
 * problem or the plan printed.
 *
 * Watching uses node:fs.watch on the config's directory (not on the file): editors save by writing
 * a new file and renaming it over the old one, which ends a watch on the file itself. Events are
 * debounced and a save that leaves the text as it was is ignored. No dependency (chokidar) is needed
 * for one file.
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { loadModel, type Model } from '../model/index.js';
import { formatPlan } from '../store/schema/schema-plan.js';
import type { Store } from '../store/store.js';
import type { Serving } from './cluster-runner.js';
import { syncForServe } from './migrate-command.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export type ServerFactory = NonNullable<FastifyServerOptions['serverFactory']>;

export interface WatchOptions {
  file: string;
  db: string;
  store: Store;
  /** Builds the app for a model, on a server of the factory's making (it never listens itself). */
  build(model: Model, serverFactory: ServerFactory): Promise<FastifyInstance>;
  port: number;
  host: string;
  https?: { cert: Buffer; key: Buffer };
  /** On close, how long in-flight requests get before their connections are cut. */
  graceMs: number;
  /** Where reload messages go (default: the console). */
  out?: { log(text: string): void; error(text: string): void };
  /** Milliseconds to wait for a burst of file events to end (default 150). */
  debounceMs?: number;
}

export interface Watching extends Serving {
  /** Resolves when no reload is running or due (tests). */
  idle(): Promise<void>;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** An app whose request handler is captured, on an inert server of the same kind as the listening one. */
async function buildHot(o: WatchOptions, model: Model): Promise<{ app: FastifyInstance; handler: Handler }> {
  let handler: Handler | undefined;
  const app = await o.build(model, (h) => {
    handler = h as Handler;
    return (
      o.https ? http2.createSecureServer({ ...o.https, allowHTTP1: true }) : http.createServer()
    ) as never;
  });
  await app.ready();
  return { app, handler: handler! };
}

export async function serveWatching(o: WatchOptions, model: Model): Promise<Watching> {
  const out = o.out ?? { log: (t) => console.log(t), error: (t) => console.error(t) };
  let current = await buildHot(o, model);
  const dispatch: Handler = (req, res) => current.handler(req, res);
  const server = o.https
    ? http2.createSecureServer({ ...o.https, allowHTTP1: true }, dispatch as never)
    : http.createServer(dispatch);
  // What Fastify set up on its own server (timeouts, client-error and CONNECT answers) holds here too.
  const inert = current.app.server as http.Server;
  for (const key of ['keepAliveTimeout', 'requestTimeout', 'headersTimeout', 'timeout'] as const)
    (server as http.Server)[key] = inert[key];
  for (const event of ['clientError', 'connect'])
    server.on(event, (...args: unknown[]) => current.app.server.emit(event, ...args));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const address = `${o.https ? 'https' : 'http'}://${host}:${port}`;

  let lastHash = hashOf(readFileSync(o.file, 'utf8'));
  /** Loads, plans, applies and swaps; prints why not when it cannot. */
  const reload = async (): Promise<void> => {
    let text: string;
    try {
      text = readFileSync(o.file, 'utf8');
    } catch {
      return; // Mid-save (the file is being replaced): the next event reads it.
    }
    const hash = hashOf(text);
    if (hash === lastHash) return;
    lastHash = hash;
    let next: Model;
    try {
      next = loadModel(o.file);
    } catch (e) {
      out.error(
        `verbo: ${o.file} changed but is not valid; still serving the previous config:\n${(e as Error).message}`,
      );
      return;
    }
    try {
      const plan = await o.store.plan(next);
      // Applies a plan of safe steps; refuses any other, changing nothing, with the plan and the
      // `verbo migrate` command to run (the message printed below).
      await syncForServe(o.store, next, o.file, o.db);
      const hot = await buildHot(o, next);
      const old = current;
      current = hot;
      await old.app.close();
      const applied = plan.steps.length ? `\n${formatPlan(plan)}` : '';
      out.log(`verbo: ${o.file} reloaded: serving ${next.resources.map((r) => r.name).join(', ')}${applied}`);
    } catch (e) {
      out.error(`verbo: ${o.file} changed; still serving the previous config:\n${(e as Error).message}`);
    }
  };

  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = running.then(reload);
    }, o.debounceMs ?? 150);
  };
  const name = basename(o.file);
  const watcher: FSWatcher = watch(dirname(o.file), (_event, changed) => {
    if (changed === null || changed === name) schedule();
  });

  return {
    address,
    async idle() {
      while (timer) await new Promise((r) => setTimeout(r, 20));
      await running;
    },
    async close() {
      watcher.close();
      clearTimeout(timer);
      await running;
      const deadline = setTimeout(() => (server as http.Server).closeAllConnections?.(), o.graceMs);
      deadline.unref();
      try {
        await current.app.close();
        (server as http.Server).closeIdleConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
