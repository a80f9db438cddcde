/**
 * Idempotency-Key on POST and PATCH (docs/http-semantics.md, IETF httpapi idempotency-key draft), as route-level hooks
 * on the POST and PATCH routes (added by an onRoute hook, so register this before the routes).
 * preValidation: the first request with a key claims it in `store.kv` (atomic putIfAbsent, so every
 * instance on the same store agrees) and runs; a retry with the same fingerprint replays the kept
 * response with `Idempotent-Replayed: true`; another fingerprint → 422; still running → 409.
 * onSend: the owner keeps its status, headers and body for the TTL, or frees the key after a 5xx.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { KeyValueStore } from '../../store/store.js';
import { withHook } from '../request/route-hooks.js';
import {
  type IdempotencyEntry,
  parseIdempotencyKey,
  requestFingerprint,
  storageKey,
} from './idempotency-key.js';

export interface IdempotencyOptions {
  kv: KeyValueStore;
  /** How long a completed response is kept (default config: 24 h). */
  ttlMs: number;
  /**
   * Whose key it is: keys of different callers never collide. Hook for docs/auth.md (auth): pass e.g.
   * `(req) => req.user ? \`user:${req.user.id}\` : 'anonymous'` from buildApp once requests carry a user.
   */
  scopeOf?: (req: FastifyRequest) => string;
}

const NAMESPACE = 'idempotency';
const METHODS = new Set(['POST', 'PATCH']);
/** A crashed instance must not lock a key for the whole TTL: the in-flight marker expires sooner. */
const IN_FLIGHT_TTL_MS = 60_000;
/** Per-response headers worth replaying; trace id, CORS and security headers are set per request. */
const KEPT_HEADERS = [
  'location',
  'etag',
  'last-modified',
  'content-type',
  'preference-applied',
  'vary',
  'accept-patch',
  'accept-post',
  'allow',
  'link',
  'x-total-count',
  'retry-after',
];

/** Outcomes that say nothing final about the operation: the key is freed so a retry runs again. */
const isKept = (status: number): boolean => status < 500 && status !== 408 && status !== 429;

interface Owned {
  id: string;
  fingerprint: string;
  settled: boolean;
}

function payloadText(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return '';
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined;
}

function keptHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && KEPT_HEADERS.includes(name.toLowerCase())) {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return out;
}

function replay(
  req: FastifyRequest,
  reply: FastifyReply,
  entry: Extract<IdempotencyEntry, { state: 'done' }>,
) {
  let body = entry.body;
  if (entry.status >= 400) {
    // The envelope's traceId must equal this response's X-Trace-Id (docs/errors.md).
    body = body
      .split(`"traceId":${JSON.stringify(entry.traceId)}`)
      .join(`"traceId":${JSON.stringify(req.id)}`);
  }
  reply.code(entry.status).headers(entry.headers).header('idempotent-replayed', 'true');
  return reply.send(body === '' ? undefined : body);
}

export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const { kv, ttlMs } = options;
  const scopeOf = options.scopeOf ?? (() => 'anonymous');
  const owned = new WeakMap<FastifyRequest, Owned>();

  // Most requests carry no key: these plain-function hooks let them pass without a promise.
  const claimHook = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (req.headers['idempotency-key'] === undefined) return done();
    claim(req, reply).then(() => done(), done);
  };

  async function claim(req: FastifyRequest, reply: FastifyReply) {
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    if (key === undefined) return;
    const id = storageKey(scopeOf(req), key);
    const fingerprint = requestFingerprint(req.method, req.url, req.headers, req.body);
    const marker: IdempotencyEntry = { state: 'running', fingerprint, startedAt: Date.now() };
    // Twice at most: an entry may expire between putIfAbsent and get.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await kv.putIfAbsent(NAMESPACE, id, marker, Math.min(IN_FLIGHT_TTL_MS, ttlMs))) {
        owned.set(req, { id, fingerprint, settled: false });
        return;
      }
      const entry = (await kv.get(NAMESPACE, id)) as IdempotencyEntry | undefined;
      if (!entry) continue;
      if (entry.fingerprint !== fingerprint) {
        throw ApiError.of(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key ${JSON.stringify(key)} was first used with another method, path or body`,
        );
      }
      if (entry.state === 'running') break;
      return replay(req, reply, entry);
    }
    throw ApiError.of(
      'REQUEST_IN_PROGRESS',
      `a request with Idempotency-Key ${JSON.stringify(key)} is still running; retry shortly`,
      {},
      { 'retry-after': '1' },
    );
  }

  const onSend = (
    req: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (err: Error | null, payload?: unknown) => void,
  ) => {
    const own = owned.get(req);
    if (!own || own.settled) return done(null, payload);
    keep(req, reply, payload, own).then((kept) => done(null, kept), done);
  };

  async function keep(req: FastifyRequest, reply: FastifyReply, payload: unknown, own: Owned) {
    own.settled = true;
    const body = payloadText(payload);
    try {
      if (body === undefined || !isKept(reply.statusCode)) {
        await kv.delete(NAMESPACE, own.id);
      } else {
        const entry: IdempotencyEntry = {
          state: 'done',
          fingerprint: own.fingerprint,
          status: reply.statusCode,
          headers: keptHeaders(reply),
          body,
          traceId: req.id,
        };
        await kv.set(NAMESPACE, own.id, entry, ttlMs);
      }
    } catch (err) {
      // The operation already happened: answer it anyway; a retry may run again once the marker expires.
      req.log.error({ err }, 'idempotency: could not keep the response');
    }
    return payload;
  }

  // A request that ends without a response (aborted, socket error) frees its key.
  const onResponse = (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const own = owned.get(req);
    if (!own || own.settled) return done();
    own.settled = true;
    kv.delete(NAMESPACE, own.id)
      .catch((err: unknown) => req.log.error({ err }, 'idempotency: could not free the key'))
      .then(() => done());
  };

  // Route-level hooks on POST and PATCH routes only: a GET pays nothing for this feature.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => METHODS.has(m))) return;
    // Claimed at preValidation (the body is parsed by then): before any preHandler, so everything
    // after the claim, the handler included, runs while the key is held.
    route.preValidation = withHook(route.preValidation, claimHook);
    route.onSend = withHook(route.onSend, onSend);
    route.onResponse = withHook(route.onResponse, onResponse);
  });
}
