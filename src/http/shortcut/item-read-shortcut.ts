/**
 * The read shortcut (docs/architecture.md, "The read shortcut"): a plain anonymous
 * `GET {basePath}/{resource}/{id}` answered below Fastify's request pipeline, with the header
 * block of its route built once. It answers only requests whose response is fully known without
 * any of the pipeline's steps, and hands every other request to Fastify untouched: a method other
 * than GET, a query string, a conditional header, an Origin under CORS, credentials under auth,
 * an Accept other than JSON, any request header outside a short list of ones no step reads, a
 * missing record, a failed read, a draining server. The response is the one the route would send:
 * the same headers (trace id, security headers, Vary, ETag, Last-Modified, Accept-Patch), the
 * same body (the store's JSON text, or the route's own compiled serialiser), the same log line.
 * On a store with a change stamp, answers are kept until anything is written (read-cache.ts).
 * test/http/read-shortcut.test.ts compares it with the pipeline's answer, request by request.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { JsonRecord, Store } from '../../store/store.js';
import { parseId } from '../../write/record-id.js';
import { anonymousReadsAll } from '../plan/access-policy.js';
import { etagOf, lastModifiedOf } from '../plan/conditions.js';
import { prefersEventStream } from '../realtime/change-feed.js';
import { ACCEPT_PATCH } from '../request/body-media-type.js';
import { JSON_OFFERS, negotiate } from '../request/content-negotiation.js';
import { CORS_VARY } from '../request/cors.js';
import { traceIdFrom } from '../request/request-context.js';
import { logRequest } from '../request/request-log.js';
import { outputFieldNames, readGuarded, toOutput } from '../respond/representation.js';
import { type ReadAnswer, ReadCache } from './read-cache.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
/** Fastify's serializer compiler (`app.serializerCompiler` once the app is ready). */
export type SerializerCompiler = (route: {
  schema: unknown;
  method: string;
  url: string;
  httpStatus: string;
}) => (value: unknown) => string;

export interface ReadShortcutOptions {
  model: Model;
  /** The store the app was given (a plain read needs neither write steps nor a batch's transaction). */
  store: Store;
  /** The headers every response carries (app.ts). */
  securityHeaders: Readonly<Record<string, string>>;
  /** The request logger, when logging is on (request-log.ts writes the same line). */
  log?: FastifyBaseLogger;
  /** True once the server drains: the shutdown guard answers 503 then. */
  closing: () => boolean;
  /** The route's compiled serialiser for a record of `r` (used when the store builds no JSON text). */
  serializerFor: (r: ResourceDef) => (value: unknown) => string;
}

/** The budget of the answers kept (read-cache.ts): 8 MiB, some 20 000 records of a few hundred bytes. */
export const READ_CACHE_BYTES = 8 * 1024 * 1024;

/** Request headers no step of a plain read looks at (besides those checked one by one below). */
const INERT_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'user-agent',
  'accept',
  'accept-language',
  'accept-encoding',
  'x-request-id',
  'traceparent',
  'tracestate',
  'cache-control',
  'pragma',
  'referer',
  'dnt',
  'priority',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-user',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'upgrade-insecure-requests',
  // A proxy's: they name the client's address, scheme and host, which no part of this answer shows.
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-real-ip',
  'forwarded',
  'via',
]);
/** An id segment made of URL-unreserved characters only: nothing to decode. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;
/** Accept values seen, and whether a plain read answers them (bounded: clients send few distinct ones). */
const ACCEPT_MEMO_MAX = 64;

interface ItemRoute {
  r: ResourceDef;
  fields: readonly string[];
  /** Flat [name, value, …] of the response's headers; the per-response values go in at `slots`. */
  headers: string[];
  slots: { traceId: number; etag: number; lastModified: number; length: number };
  serialize?: (value: unknown) => string;
}

/** The header block of one route, in the order the pipeline writes it (app.ts, record-headers.ts). */
function headerBlock(constant: readonly string[]): Pick<ItemRoute, 'headers' | 'slots'> {
  const headers = [
    'x-trace-id',
    '',
    ...constant,
    'etag',
    '',
    'last-modified',
    '',
    'accept-patch',
    ACCEPT_PATCH,
  ];
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', '');
  const slotOf = (name: string) => headers.indexOf(name) + 1;
  return {
    headers,
    slots: {
      traceId: slotOf('x-trace-id'),
      etag: slotOf('etag'),
      lastModified: slotOf('last-modified'),
      length: slotOf('content-length'),
    },
  };
}

/**
 * Wraps Fastify's request handler with the shortcut, or returns undefined when no resource can
 * use it. The header blocks are built here, a resource's serialiser on its first use (Fastify's
 * compiler exists once the app is ready).
 */
export function readShortcut(o: ReadShortcutOptions): ((next: NodeHandler) => NodeHandler) | undefined {
  const { model } = o;
  const eligible = model.resources.filter((r) => anonymousReadsAll(r) && readGuarded(r).length === 0);
  if (!eligible.length) return undefined;
  const byPrefix = new Map<string, ItemRoute>();
  for (const r of eligible) {
    const head: string[] = [];
    for (const [name, value] of Object.entries(o.securityHeaders)) head.push(name, value);
    if (model.cors) head.push('vary', CORS_VARY);
    byPrefix.set(`${model.basePath}/${r.name}`, { r, fields: outputFieldNames(r), ...headerBlock(head) });
  }
  const accepts = new Map<string, boolean>();
  const acceptable = (accept: string): boolean => {
    let ok = accepts.get(accept);
    if (ok === undefined) {
      ok = negotiate(accept, JSON_OFFERS) !== undefined && !prefersEventStream(accept);
      if (accepts.size < ACCEPT_MEMO_MAX) accepts.set(accept, ok);
    }
    return ok;
  };
  /** Whether the request's headers leave the answer to the route's plain read. */
  const plainHeaders = (headers: IncomingHttpHeaders): boolean => {
    if (headers.host === undefined) return false;
    for (const name in headers) {
      if (INERT_HEADERS.has(name)) continue;
      // Without CORS an Origin changes nothing; without auth neither do credentials.
      if (name === 'origin' && !model.cors) continue;
      if ((name === 'cookie' || name === 'authorization') && !model.auth) continue;
      return false;
    }
    const accept = headers.accept;
    return accept === undefined || acceptable(accept);
  };
  const urlBytes = model.limits.urlBytes;
  // Answers are kept only where the store can tell at once whether anything was written since.
  const cache = o.store.changeStampNow ? new ReadCache(READ_CACHE_BYTES) : undefined;

  return (next) => (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || req.httpVersion !== '1.1' || url.length > urlBytes || o.closing())
      return next(req, res);
    const slash = url.lastIndexOf('/');
    const route = slash > 0 ? byPrefix.get(url.slice(0, slash)) : undefined;
    if (!route) return next(req, res);
    const raw = url.slice(slash + 1);
    if (!PLAIN_SEGMENT.test(raw) || !plainHeaders(req.headers)) return next(req, res);
    const id = parseId(route.r, raw);
    if (id === undefined) return next(req, res);
    const started = o.log ? performance.now() : 0;
    const { r } = route;
    let now: JsonRecord | undefined | null | false = false;
    let stamp: string | false = false;
    try {
      // The stamp is read before the record: a write between the two leaves a newer record under
      // an older stamp, which the next read finds stale (never an older record under a newer one).
      if (cache) {
        stamp = o.store.changeStampNow?.() ?? false;
        const kept = stamp === false ? undefined : cache.get(url, stamp);
        if (kept) return send(req, res, route, kept, started);
      }
      now = o.store.getJsonNow ? o.store.getJsonNow(r, id, route.fields) : false;
    } catch {
      // A failed read is the pipeline's to answer (its error envelope, its log line).
      return next(req, res);
    }
    if (now === undefined) return next(req, res);
    if (now) {
      const answer = answerOf(now);
      if (cache && stamp !== false) cache.set(url, stamp, answer);
      return send(req, res, route, answer, started);
    }
    // false: the store must wait first (getJson); null: it cannot build this text (get and serialise).
    read(route, id, now === false).then(
      (found) => (found === undefined ? next(req, res) : send(req, res, route, answerOf(found), started)),
      () => next(req, res),
    );
  };

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    route: ItemRoute,
    answer: ReadAnswer,
    started: number,
  ): void {
    const traceId = traceIdFrom(req.headers);
    // writeHead turns the array into the header block before it returns: one array per route, refilled.
    const { headers, slots } = route;
    headers[slots.traceId] = traceId;
    headers[slots.etag] = answer.etag;
    headers[slots.lastModified] = answer.lastModified;
    headers[slots.length] = answer.length;
    res.writeHead(200, headers);
    res.end(answer.json);
    if (o.log) logRequest(o.log.child({ traceId }), 'GET', req.url ?? '', 200, performance.now() - started);
  }

  /** The record's JSON text and the columns its headers read; undefined when there is none. */
  async function read(route: ItemRoute, id: unknown, json: boolean) {
    const { r } = route;
    if (json && o.store.getJson) {
      const found = await o.store.getJson(r, id, route.fields);
      if (found !== null) return found;
    }
    const row = await o.store.get(r, id);
    if (!row) return undefined;
    route.serialize ??= o.serializerFor(r);
    return { json: route.serialize(toOutput(r, row)), row };
  }
}

/** What a record's answer sends besides its route's constant headers. */
function answerOf(found: JsonRecord): ReadAnswer {
  return {
    json: found.json,
    etag: etagOf(found.row),
    lastModified: lastModifiedOf(found.row),
    length: String(Buffer.byteLength(found.json)),
  };
}

/**
 * The shortcut of an app, known only once its steps are (app.ts builds the server first): `wrap`
 * gives the server a handler that uses it from the first request on, or Fastify's alone without it.
 */
export class LateShortcut {
  private make?: (next: NodeHandler) => NodeHandler;

  set(make: ((next: NodeHandler) => NodeHandler) | undefined): void {
    this.make = make;
  }

  /** Wraps the one request listener of a server Fastify made itself (no `serverFactory`). */
  wrapListener(server: EventEmitter): void {
    const [listener, ...others] = server.listeners('request') as NodeHandler[];
    if (!listener || others.length) return;
    server.removeListener('request', listener);
    server.on('request', this.wrap(listener));
  }

  wrap(next: NodeHandler): NodeHandler {
    let handler: NodeHandler | undefined;
    return (req, res) => {
      handler ??= this.make ? this.make(next) : next;
      handler(req, res);
    };
  }
}
