/**
 * Builds the Fastify app from a model and a store. HTTP concerns only: every database concern is
 * behind the Store interface, every record rule in the model.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { Model } from '../model/model-types.js';
import type { Store } from '../store/store.js';
import { ambientStore } from '../write/ambient-transaction.js';
import { JobRunner } from '../write/bulk/job-runner.js';
import { loadHooks } from '../write/code-hooks.js';
import { FileService, openBlobStore } from '../write/files/file-service.js';
import { RecordValidator } from '../write/record-validator.js';
import { withWriteSteps } from '../write/write-pipeline.js';
import { runInWriteScope } from '../write/write-scope.js';
import { registerAdminRoutes } from './admin/admin-routes.js';
import { registerAuth } from './auth/auth-plugin.js';
import { type Caller, callerScope, requestWriteScope, setCaller } from './auth/caller.js';
import { batchHandler } from './batch/batch-route.js';
import { handleClientError, refuseConnect } from './client-error.js';
import { registerDocsRoutes } from './docs/docs-routes.js';
import { sendError } from './error-handler.js';
import { registerIdempotency } from './idempotency/idempotency-hooks.js';
import { malformedJson } from './json-syntax-error.js';
import { ADMIN_ROLE } from './plan/access-policy.js';
import { IndexAdvisor } from './query/index-advisor.js';
import { registerAnswerAfterDelivery } from './realtime/answer-after-delivery.js';
import { ChangeFeed, wantsEventStream } from './realtime/change-feed.js';
import { JSON_OFFERS, negotiate } from './request/content-negotiation.js';
import { registerCors } from './request/cors.js';
import { integerMembersOf } from './request/integer-members.js';
import { registerRateLimit } from './request/rate-limit.js';
import { languageFrom, traceIdFrom } from './request/request-context.js';
import { limitJsonBodies, registerRequestLimits } from './request/request-limits.js';
import { registerRequestLog } from './request/request-log.js';
import { registerShutdownGuard } from './request/shutdown-guard.js';
import { recordOutputSchema } from './respond/output-schema.js';
import type { AppContext } from './routes/app-context.js';
import { registerFileRoutes } from './routes/file-routes.js';
import { registerImportRoutes } from './routes/import-routes.js';
import { registerJobRoutes } from './routes/job-routes.js';
import { notFoundHandler } from './routes/not-found.js';
import { registerPath, registerResourceRoutes, STANDARD_METHODS } from './routes/resource-routes.js';
import { LateShortcut, readShortcut, type SerializerCompiler } from './shortcut/item-read-shortcut.js';
import { registerWebhooks } from './webhooks/register-webhooks.js';

export interface AppOptions {
  model: Model;
  store: Store;
  /** Hide internals of 5xx errors. */
  production?: boolean;
  /** pino options, `false` for no logs (tests). */
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
  /** The server Fastify answers on, made by the caller (`verbo serve --watch` swaps apps on one socket). */
  serverFactory?: FastifyServerOptions['serverFactory'];
  /** Index advice for tables of more rows than this (default $VERBO_INDEX_ADVICE_MIN_ROWS or 10 000). */
  indexAdviceMinRows?: number;
  /**
   * Every request comes from the local operator (`verbo import` / `verbo export`, answered in
   * process, never listening): an admin, whose records have no owner.
   */
  operator?: boolean;
  /**
   * The app answers one command's requests in process and never listens (`verbo check --queries`;
   * an `operator` app always does): no webhook delivery, and no webhook cursor is created.
   */
  inProcess?: boolean;
  /**
   * Answer plain anonymous reads of one record below Fastify's pipeline (shortcut/item-read-shortcut.ts;
   * default true). Off only to compare the two answers (test/http/read-shortcut.test.ts).
   */
  readShortcut?: boolean;
}

/** The local operator of `AppOptions.operator`: an admin with no user id (its records get no ownerId). */
const OPERATOR: Caller = { id: 0, email: 'operator@localhost', roles: [ADMIN_ROLE], via: 'token' };

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
/** Under TLS: browsers keep to HTTPS for a year (RFC 6797). */
const HSTS = { 'strict-transport-security': 'max-age=31536000; includeSubDomains' };

/** A silent logger needs no per-request child: pino's child() serialises the bindings every time. */
type ChildArgs = Parameters<FastifyBaseLogger['child']>;
/** Instance loggers known to be silent (a handful of objects): pino's `level` getter is not free, and the level is set once at start-up. */
const silentLoggers = new WeakMap<FastifyBaseLogger, boolean>();
const isSilent = (logger: FastifyBaseLogger): boolean => {
  let silent = silentLoggers.get(logger);
  if (silent === undefined) {
    silent = logger.level === 'silent';
    silentLoggers.set(logger, silent);
  }
  return silent;
};
const silentOrChild = (
  logger: FastifyBaseLogger,
  bindings: ChildArgs[0],
  opts?: ChildArgs[1],
): FastifyBaseLogger => (!opts?.level && isSilent(logger) ? logger : logger.child(bindings, opts));

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { model } = options;
  const validator = new RecordValidator(model.resources);
  // Every write through the app's store runs the rules and hooks (write/write-pipeline.ts).
  // …and inside POST /batch every store call of its operations goes to the batch's transaction
  // (write/ambient-transaction.ts).
  const hooks = await loadHooks(model);
  const store = ambientStore(withWriteSteps(options.store, { model, validator, hooks }));
  const { serverFactory } = options;
  // Set once the app's steps are known (below); a request only comes after that.
  const shortcut = new LateShortcut();
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'traceId' }),
    genReqId: (req) => traceIdFrom(req.headers),
    childLoggerFactory: silentOrChild,
    bodyLimit: model.bodyLimit,
    // Draining answers the docs/errors.md 503 with Retry-After instead (shutdown-guard.ts).
    return503OnClosing: false,
    forceCloseConnections: false,
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 500 },
    clientErrorHandler: handleClientError,
    // Bad percent-encoding and over-long path parameters are refused by the router before any hook runs: shaped too.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-trace-id', req.id).headers(securityHeaders);
      return sendError(err, req, reply, errorOptions);
    },
    // A missing Host is answered by our own hook (request-limits.ts) with the envelope, not Node's bare 400.
    http: { requireHostHeader: false },
    // HTTP/2 over TLS (ALPN), HTTP/1.1 for clients that do not offer h2.
    ...(options.https ? { http2: true, https: { ...options.https, allowHTTP1: true } } : {}),
    ...(model.trustProxy !== undefined ? { trustProxy: model.trustProxy } : {}),
    ...(serverFactory
      ? { serverFactory: (handler, opts) => serverFactory(shortcut.wrap(handler), opts) }
      : {}),
  } as FastifyServerOptions);
  // Without a factory, Fastify's own server: its one request listener is wrapped the same way.
  if (!serverFactory) shortcut.wrapListener(app.server);
  const securityHeaders = options.https ? { ...SECURITY_HEADERS, ...HSTS } : SECURITY_HEADERS;

  const minRows = options.indexAdviceMinRows ?? Number(process.env.VERBO_INDEX_ADVICE_MIN_ROWS ?? 10_000);
  const ctx: AppContext = {
    model,
    store,
    validator,
    indexAdvisor: new IndexAdvisor(store, minRows),
    jobs: new JobRunner(store.jobs),
  };
  // A job left running by a process that died is marked failed, never left `running` (docs/bulk.md).
  // At ready, not here: the store may be synced after the app is built.
  app.addHook('onReady', () => ctx.jobs.recover());
  app.addHook('onClose', () => ctx.jobs.close());
  const errorOptions = {
    production: options.production ?? false,
    defaultLanguage: model.defaultLanguage,
    languageOf: (req: { headers: { 'accept-language'?: string } }) =>
      languageFrom(req.headers['accept-language'], model.defaultLanguage),
  };

  app.removeAllContentTypeParsers();
  // POST /batch parses its operations' bodies with it too.
  const jsonBodies = limitJsonBodies(
    model.limits,
    forbidPrototypeKeys(app.getDefaultJsonParser('error', 'error')),
    integerMembersOf(model),
  );
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json', 'application/json-patch+json'],
    // Raw bytes: a body that is not UTF-8 is refused (400), not decoded with U+FFFD (request-limits.ts).
    { parseAs: 'buffer' },
    jsonBodies,
  );

  app.server.on('connect', refuseConnect);
  // Callback-style hooks (here and in the modules below): no promise per request. A throw is caught by Fastify.
  // First the headers every response carries (docs/http-semantics.md), then CORS (its headers, and preflight answers,
  // hold for every later refusal too), then the request limits, then redirects and negotiation.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-trace-id', req.id).headers(securityHeaders);
    done();
  });
  registerCors(app, model.cors);
  registerRequestLimits(app, model.limits, securityHeaders);
  app.addHook('onRequest', (req, reply, done) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.length > 1 && path.endsWith('/') && !req.routeOptions.config?.keepTrailingSlash) {
      // docs/http-semantics.md: a trailing slash answers 301 for every method (moved resources distinguish 301/308; this rule does not).
      reply
        .code(301)
        .header('location', `${path.replace(/\/+$/, '') || '/'}${q < 0 ? '' : req.url.slice(q)}`)
        .send();
      return;
    }
    // OPTIONS answers 204 without a body: any Accept is satisfied. A list also offers CSV and NDJSON.
    const config = req.routeOptions.config as
      | { ownNegotiation?: boolean; offers?: readonly string[]; eventStream?: boolean }
      | undefined;
    if (
      req.method !== 'OPTIONS' &&
      !config?.ownNegotiation &&
      !negotiate(req.headers.accept, config?.offers ?? JSON_OFFERS) &&
      !(config?.eventStream && wantsEventStream(req))
    ) {
      const offers = config?.offers ?? JSON_OFFERS;
      throw ApiError.of('NOT_ACCEPTABLE', `Accept ${req.headers.accept} allows none of ${offers.join(', ')}`);
    }
    done();
  });
  const closing = registerShutdownGuard(app, Boolean(options.https));
  registerRateLimit(app, model.rateLimit);
  const auth = await registerAuth(app, model, store, { tls: Boolean(options.https) });
  const feed = new ChangeFeed(model, store, auth, app.log);
  ctx.feed = feed;
  // Streams end before the server waits for its connections to close (docs/realtime.md).
  app.addHook('preClose', () => feed.close());
  registerAnswerAfterDelivery(app, feed.hub);
  if (options.operator && model.auth)
    app.addHook('onRequest', (req, _reply, done) => {
      setCaller(req, OPERATOR);
      done();
    });
  registerIdempotency(app, {
    kv: store.kv,
    ttlMs: model.idempotency.ttlSeconds * 1000,
    scopeOf: callerScope,
  });
  // The write scope (auth/caller.ts#requestWriteScope), opened after the body is read, so the handler runs inside it.
  app.addHook('preHandler', (req, _reply, done) => {
    runInWriteScope(requestWriteScope(req), done);
  });
  // One pino line per request (request-log.ts); no hook at all when logging is off.
  if (!isSilent(app.log)) registerRequestLog(app);

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, errorOptions));
  for (const r of model.resources) {
    registerResourceRoutes(app, ctx, r);
    registerImportRoutes(app, ctx, r);
  }
  registerJobRoutes(app, ctx);
  const batchPath = `${model.basePath}/batch`;
  registerPath(app, {
    url: batchPath,
    handlers: {
      POST: batchHandler({
        store,
        batchPath,
        model,
        jsonBodies,
        errorOptions,
        hookedBeforeWrite: (r) => hooks.get(r.name)?.beforeWrite !== undefined,
      }),
    },
    accept: { 'accept-post': 'application/json' },
    checks: { POST: { body: { types: ['application/json'], accept: 'accept-post' } } },
  });
  if (model.resources.some((r) => r.fields.some((f) => f.type.file))) {
    const files = new FileService(model, store, openBlobStore(model, store));
    ctx.files = files;
    registerFileRoutes(app, ctx, files);
    // Staging left by a killed process and files no record references (a kill between file and record).
    app.addHook('onReady', async () => {
      await files.blobs.cleanStaging();
      await files.sweep();
    });
  }
  if (!options.inProcess && !options.operator) await registerWebhooks(app, model, options.store);
  registerDocsRoutes(app, model, { production: options.production });
  registerAdminRoutes(app, model, { production: options.production });
  if (options.readShortcut !== false && !options.operator && !options.inProcess && !model.rateLimit)
    shortcut.set(
      readShortcut({
        model,
        store: options.store,
        securityHeaders,
        ...(isSilent(app.log) ? {} : { log: app.log }),
        closing,
        serializerFor: (r) =>
          (app.serializerCompiler as SerializerCompiler)({
            schema: recordOutputSchema(r),
            method: 'GET',
            url: `${model.basePath}/${r.name}/:id`,
            httpStatus: '200',
          }),
      }),
    );
  app.setNotFoundHandler(
    notFoundHandler(model, (path) =>
      STANDARD_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null),
    ),
  );
  return app;
}

type JsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/** Fastify's parser reports a `__proto__` / `constructor.prototype` key as invalid JSON; tell the two apart (→ FORBIDDEN_JSON_KEY). */
function forbidPrototypeKeys(parse: JsonParser): JsonParser {
  return (req, body, done) =>
    parse(req, body, (err, value) => {
      if (!err) return done(null, value);
      try {
        JSON.parse(body);
      } catch {
        // Empty bodies keep Fastify's EMPTY_BODY; any other refusal is named with its position.
        return done(
          (err as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? err : malformedJson(body),
        );
      }
      done(new SyntaxError('the body uses a __proto__ or constructor.prototype key'));
    });
}
