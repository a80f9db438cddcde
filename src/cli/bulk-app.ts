/**
 * The app `verbo import` and `verbo export` talk to: the same app `serve` builds (so rows go through
 * the same routes, write pipeline and representation), on the config's database, answered in
 * process (`inject`), never listening. The local operator acts as an admin: access rules let it
 * through, and records it creates have no owner.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import { loadModel } from '../model/index.js';
import type { Model } from '../model/model-types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { configPath } from './config-path.js';
import { syncForServe } from './migrate-command.js';

export interface BulkApp {
  model: Model;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function openBulkApp(config: string | undefined, db: string | undefined): Promise<BulkApp> {
  const file = configPath(config);
  const loaded = loadModel(file);
  // A local file has no upload limit.
  const model: Model = { ...loaded, limits: { ...loaded.limits, importBytes: Number.MAX_SAFE_INTEGER } };
  const where = db ?? process.env.DATABASE_URL ?? 'data/verbo.sqlite';
  const store: Store = await openStore(where);
  try {
    await syncForServe(store, model, file, where);
    const app = await buildApp({ model, store, logger: false, operator: true });
    return {
      model,
      app,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The envelope of a refused request as lines for the terminal. */
export function problemLines(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as {
      code: string;
      internalMessage: string;
      pointer?: string;
      parameter?: string;
    }[];
    return parsed.map(
      (e) =>
        `${e.code}${e.pointer ? ` at ${e.pointer}` : ''}${e.parameter ? ` (${e.parameter})` : ''}: ${e.internalMessage}`,
    );
  } catch {
    return [body];
  }
}
