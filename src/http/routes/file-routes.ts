/**
 * The routes of file fields, /{r}/{id}/{field}: GET/HEAD download, PUT raw bytes, DELETE. They sit
 * in a context of their own, whose body parser hands PUT's bytes over as a stream of any media type.
 * Also the multipart parser of the resources' write routes.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';
import type { FileService } from '../../write/files/file-service.js';
import { fileFields } from '../respond/representation.js';
import type { AppContext } from './app-context.js';
import { fileHandlers } from './file-handlers.js';
import { needsCaller, registerPath } from './resource-routes.js';

export function registerFileRoutes(app: FastifyInstance, ctx: AppContext, files: FileService): void {
  const withFiles = ctx.model.resources.filter((r) => fileFields(r).length);
  if (!withFiles.length) return;
  // multipart/form-data writes of the resources' own routes (request/multipart-body.ts): a record
  // part and one part per file field; each file's maxSize is checked as it arrives, the record part
  // is held to bodyLimit. The plugin's parser is the root's (fastify-plugin).
  const most = Math.max(...withFiles.map((r) => fileFields(r).length));
  app.register(multipart, {
    limits: { parts: most + 1, fileSize: Number.POSITIVE_INFINITY, fieldSize: ctx.model.bodyLimit },
  });
  app.register(async (scope) => {
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    for (const r of withFiles) for (const f of fileFields(r)) registerField(scope, ctx, files, r, f);
  });
}

function registerField(
  app: FastifyInstance,
  ctx: AppContext,
  files: FileService,
  r: ResourceDef,
  f: ResourceDef['fields'][number],
) {
  const h = fileHandlers(ctx, files, r, f);
  const update = needsCaller([[[r, 'update']]]);
  registerPath(app, {
    url: `${ctx.model.basePath}/${r.name}/:id/${f.name}`,
    handlers: {
      GET: h.get as RouteHandlerMethod,
      PUT: h.put as RouteHandlerMethod,
      DELETE: h.delete as RouteHandlerMethod,
    },
    accept: {},
    config: { GET: { ownNegotiation: true } },
    checks: {
      GET: { authenticate: needsCaller([[[r, 'read']]]) },
      PUT: { authenticate: update },
      DELETE: { authenticate: update },
    },
  });
}
