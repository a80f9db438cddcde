/**
 * `POST /{r}/imports` (docs/bulk.md): the body (NDJSON, CSV or a JSON array) is spooled to a
 * temporary file while its rows are counted (413 past `limits.importBytes`), then an import job
 * starts and the answer is `202 Accepted`, `Location: /jobs/{id}` and the job. Its routes are in
 * their own Fastify context, whose body parsers hand the raw stream over instead of parsing it.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { ApiError, type Problem } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import { startImport } from '../../write/bulk/import-job.js';
import { IMPORT_MODES, type ImportSettings, ON_CONFLICT } from '../../write/bulk/import-rows.js';
import { RowCounter } from '../../write/bulk/row-count.js';
import { IMPORT_MEDIA_TYPES, type ImportFormat } from '../../write/bulk/row-readers.js';
import { callerScope } from '../auth/caller.js';
import { authorize } from '../plan/access-policy.js';
import { bad, type QueryInput } from '../query/filter-parser.js';
import { mediaTypeOf, requireBody } from '../request/body-media-type.js';
import { languageFrom } from '../request/request-context.js';
import { jobBody } from '../respond/job-body.js';
import type { AppContext } from './app-context.js';
import { needsCaller, registerPath } from './resource-routes.js';

export const IMPORT_TYPES = Object.keys(IMPORT_MEDIA_TYPES);

function settingsOf(q: QueryInput): ImportSettings {
  const problems: Problem[] = [];
  const one = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = q[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      problems.push(bad(name, `must be one of ${allowed.join(', ')}`));
      return fallback;
    }
    return v as T;
  };
  const settings = {
    mode: one('mode', IMPORT_MODES, 'all-or-nothing'),
    onConflict: one('onConflict', ON_CONFLICT, 'fail'),
  };
  for (const name of Object.keys(q))
    if (name !== 'mode' && name !== 'onConflict')
      problems.push(bad(name, 'is not an option of an import (mode, onConflict)'));
  if (problems.length) throw new ApiError(problems);
  return settings;
}

const tooLarge = (limit: number) =>
  ApiError.of('PAYLOAD_TOO_LARGE', `the import body is larger than limits.importBytes (${limit} bytes)`);

/** Copies the body to a new temporary file, counting its rows; 413 past `limit` bytes (the file is removed). */
async function spool(body: Readable, format: ImportFormat, limit: number) {
  const dir = await mkdtemp(join(tmpdir(), 'verbo-import-'));
  const file = join(dir, 'input');
  const counter = new RowCounter(format);
  let bytes = 0;
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > limit) throw tooLarge(limit);
          counter.push(chunk);
          yield chunk;
        }
      },
      createWriteStream(file),
    );
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { file, dir, total: counter.total() };
}

export function registerImportRoutes(app: FastifyInstance, ctx: AppContext, r: ResourceDef): void {
  const url = `${ctx.model.basePath}/${r.name}/imports`;
  const limit = ctx.model.limits.importBytes;
  const create: RouteHandlerMethod = async (req: FastifyRequest, reply: FastifyReply) => {
    requireBody(req, IMPORT_TYPES, 'accept-post');
    const settings = settingsOf(req.query as QueryInput);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
    const format = IMPORT_MEDIA_TYPES[mediaTypeOf(req)!];
    const create = authorize(req, r, 'create');
    const update = settings.onConflict === 'update' ? authorize(req, r, 'update') : undefined;
    const input = await spool(req.body as Readable, format, limit);
    const job = await startImport(
      ctx.jobs,
      {
        store: ctx.store,
        model: ctx.model,
        validator: ctx.validator,
        resource: r,
        stamp: create.stamp,
        refuseUpdate: (row) =>
          update?.where.some((f) => f.op === 'eq' && String(row[f.field]) !== String(f.value))
            ? `update on ${r.name}/${String(row.id)} is limited to the records the caller created`
            : undefined,
      },
      settings,
      { file: input.file, spoolDir: input.dir, format, total: input.total },
      { owner: callerScope(req), traceId: req.id },
    );
    const location = `${ctx.model.basePath}/jobs/${job.id}`;
    return reply
      .code(202)
      .header('location', location)
      .header('content-location', location)
      .send(jobBody(job, languageFrom(req.headers['accept-language'], ctx.model.defaultLanguage)));
  };
  void app.register(async (child) => {
    // The body stays a stream: it is spooled, never held in memory (docs/bulk.md).
    child.removeAllContentTypeParsers();
    child.addContentTypeParser(IMPORT_TYPES, (_req, payload, done) => done(null, payload));
    registerPath(child, {
      url,
      handlers: { POST: create },
      accept: { 'accept-post': IMPORT_TYPES.join(', ') },
      checks: {
        POST: {
          authenticate: needsCaller([[[r, 'create']]]),
          body: { types: IMPORT_TYPES, accept: 'accept-post' },
        },
      },
    });
  });
}
