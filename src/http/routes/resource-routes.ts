/** Registers every route of one resource from the model: collection, item, nested, 405s and OPTIONS. */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  HTTPMethods,
  preParsingHookHandler,
  RouteHandlerMethod,
  RouteOptions,
} from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import { recordBatchRoute } from '../batch/batch-routes.js';
import { type AccessNeed, requireCaller } from '../plan/access-policy.js';
import {
  ACCEPT_PATCH,
  ACCEPT_POST,
  type AcceptHeader,
  checkMediaType,
  PATCH_TYPES,
} from '../request/body-media-type.js';
import { LIST_OFFERS } from '../request/list-format.js';
import { writeTypes } from '../request/multipart-body.js';
import { recordResponse } from '../respond/output-schema.js';
import type { AppContext } from './app-context.js';
import { collectionHandlers, type NestedScope } from './collection-handlers.js';
import { itemHandlers } from './item-handlers.js';

export const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface PathSpec {
  url: string;
  handlers: Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', RouteHandlerMethod>>;
  /** Accept-Post on collections, Accept-Patch on items. */
  accept: Record<string, string>;
  /** Response schemas per method (fast serialisation of record bodies). */
  schemas?: Partial<Record<keyof PathSpec['handlers'], FastifySchema>>;
  /** Route config per method (`eventStream`: GET may answer `text/event-stream`; `offers`: the media types GET answers). */
  config?: Partial<Record<keyof PathSpec['handlers'], Record<string, unknown>>>;
  /** The early stages of the order of checks per method (docs/errors.md): 401, then 415. */
  checks?: Partial<Record<keyof PathSpec['handlers'], RouteChecks>>;
  /** POST /batch may call these handlers in process (batch/batch-dispatch.ts): a resource's JSON routes. */
  batch?: boolean;
  /** The resource POST creates on this path, when it is the resource's own collection (batch-routes.ts). */
  creates?: ResourceDef;
}

export interface RouteChecks {
  /** The authentication stage: throws 401 when the route can never serve this request's (missing) caller. */
  authenticate?: (req: FastifyRequest) => void;
  /** Media types the body may have, and the header that lists them on a 415. */
  body?: { types: string[]; accept: AcceptHeader };
}

/** Route hooks for the authentication and media-type stages, before the body is read. */
function stageHooks(checks: RouteChecks | undefined) {
  const hooks: Pick<RouteOptions, 'onRequest' | 'preParsing'> = {};
  const authenticate = checks?.authenticate;
  if (authenticate)
    hooks.onRequest = (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
      authenticate(req);
      done();
    };
  const body = checks?.body;
  if (body) {
    const preParsing: preParsingHookHandler = (req, _reply, payload, done) => {
      checkMediaType(req, body.types, body.accept);
      done(null, payload);
    };
    hooks.preParsing = preParsing;
  }
  return hooks;
}

/** The Allow value for a path: what it serves, HEAD with GET, and OPTIONS. */
export const allowOf = (spec: Pick<PathSpec, 'handlers'>): string =>
  STANDARD_METHODS.filter(
    (m) =>
      m === 'OPTIONS' || (m === 'HEAD' ? spec.handlers.GET : spec.handlers[m as keyof PathSpec['handlers']]),
  ).join(', ');

/** Routes one path: its handlers, 405 (+ Allow) for the other methods, and OPTIONS. */
export function registerPath(app: FastifyInstance, spec: PathSpec): void {
  const allow = allowOf(spec);
  for (const [method, handler] of Object.entries(spec.handlers)) {
    const schema = spec.schemas?.[method as keyof PathSpec['handlers']];
    const config = spec.config?.[method as keyof PathSpec['handlers']];
    app.route({
      method: method as HTTPMethods,
      url: spec.url,
      handler,
      ...(config ? { config } : {}),
      ...(schema ? { schema } : {}),
      ...(config ? { config } : {}),
      ...stageHooks(spec.checks?.[method as keyof PathSpec['handlers']]),
    } as RouteOptions);
    if (spec.batch)
      recordBatchRoute(app, method, spec.url, {
        handler,
        checks: spec.checks?.[method as keyof PathSpec['handlers']],
        config,
        ...(method === 'POST' && spec.creates ? { creates: spec.creates } : {}),
      });
  }
  const refused = (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
    (m) => !spec.handlers[m === 'HEAD' ? 'GET' : m],
  );
  if (refused.length) {
    app.route({
      method: refused,
      url: spec.url,
      handler: async (req: FastifyRequest) => {
        throw ApiError.of(
          'METHOD_NOT_ALLOWED',
          `${req.method} is not allowed on ${spec.url}; allowed: ${allow}`,
          {},
          { allow },
        );
      },
    });
  }
  app.route({
    method: 'OPTIONS',
    url: spec.url,
    config: { allow },
    handler: async (_req: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(204)
        .headers({ allow, ...spec.accept })
        .send(),
  });
}

/** A collection's stage checks; a nested one also needs to read its parent. */
function collectionChecks(r: ResourceDef, parent?: ResourceDef): PathSpec['checks'] {
  const also: AccessNeed[] = parent ? [[[parent, 'read']]] : [];
  return {
    GET: { authenticate: needsCaller([[[r, 'read']], ...also]) },
    POST: {
      authenticate: needsCaller([[[r, 'create']], ...also]),
      body: { types: writeTypes(r, ['application/json']), accept: 'accept-post' },
    },
    DELETE: { authenticate: needsCaller([[[r, 'delete']], ...also]) },
  };
}

/** The authentication check of a resource route, or none when no resource involved has access rules. */
export function needsCaller(needs: AccessNeed[]): RouteChecks['authenticate'] {
  if (!needs.some((need) => need.some(([r]) => r.access))) return undefined;
  return (req) => requireCaller(req, needs);
}

/** GET on a collection or an item may be a change stream (docs/realtime.md). */
const STREAMS: PathSpec['config'] = { GET: { eventStream: true } };
/** A list also answers CSV and NDJSON (docs/bulk.md, request/list-format.ts), and may be a change stream. */
const LIST_CONFIG: PathSpec['config'] = { GET: { eventStream: true, offers: LIST_OFFERS } };

export function registerResourceRoutes(app: FastifyInstance, ctx: AppContext, r: ResourceDef): void {
  const base = `${ctx.model.basePath}/${r.name}`;
  const coll = collectionHandlers(ctx, r);
  const item = itemHandlers(ctx, r);
  registerPath(app, {
    url: base,
    handlers: {
      GET: coll.list as RouteHandlerMethod,
      POST: coll.create as RouteHandlerMethod,
      DELETE: coll.bulkDelete as RouteHandlerMethod,
    },
    accept: { 'accept-post': writeTypes(r, ['application/json']).join(', ') },
    schemas: { GET: recordResponse(r, [200], true), POST: recordResponse(r, [201]) },
    checks: collectionChecks(r),
    config: LIST_CONFIG,
    batch: true,
    creates: r,
  });
  registerPath(app, {
    url: `${base}/:id`,
    handlers: {
      GET: item.get as RouteHandlerMethod,
      PUT: item.put as RouteHandlerMethod,
      PATCH: item.patch as RouteHandlerMethod,
      DELETE: item.delete as RouteHandlerMethod,
    },
    accept: { 'accept-patch': ACCEPT_PATCH },
    schemas: {
      GET: recordResponse(r, [200]),
      PUT: recordResponse(r, [200, 201]),
      PATCH: recordResponse(r, [200]),
    },
    config: STREAMS,
    checks: {
      GET: { authenticate: needsCaller([[[r, 'read']]]) },
      // PUT creates or replaces: 401 up front only when neither could serve an anonymous caller.
      PUT: {
        authenticate: needsCaller([
          [
            [r, 'create'],
            [r, 'update'],
          ],
        ]),
        body: { types: writeTypes(r, ['application/json']), accept: 'accept-patch' },
      },
      PATCH: {
        authenticate: needsCaller([[[r, 'update']]]),
        body: { types: writeTypes(r, PATCH_TYPES), accept: 'accept-patch' },
      },
      DELETE: { authenticate: needsCaller([[[r, 'delete']]]) },
    },
    batch: true,
  });
  for (const relation of r.toMany) {
    const child = ctx.model.byName.get(relation.resource)!;
    const scope: NestedScope = { parent: r, relation };
    const nested = collectionHandlers(ctx, child, scope);
    registerPath(app, {
      url: `${base}/:id/${relation.name}`,
      handlers: {
        GET: nested.list as RouteHandlerMethod,
        POST: nested.create as RouteHandlerMethod,
        DELETE: nested.bulkDelete as RouteHandlerMethod,
      },
      accept: { 'accept-post': ACCEPT_POST },
      schemas: { GET: recordResponse(child, [200], true), POST: recordResponse(child, [201]) },
      checks: collectionChecks(child, r),
      config: LIST_CONFIG,
      batch: true,
    });
  }
}
