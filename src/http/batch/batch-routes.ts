/**
 * The routes POST /batch may call in process (batch-dispatch.ts): resource-routes.ts records each
 * resource's JSON routes here as it registers them, and `matchBatchRoute` finds the one an
 * operation names, as Fastify's router finds it. No imports beyond types: resource-routes.ts
 * imports this module.
 */
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';
import type { RouteChecks } from '../routes/resource-routes.js';

export interface BatchRoute {
  handler: RouteHandlerMethod;
  /**
   * A resource's own collection POST (not a nested one): it creates one record, and before its one
   * store write it awaits nothing but other promises (no I/O), unless a beforeWrite hook reads.
   */
  creates?: ResourceDef;
  checks?: RouteChecks;
  config?: Record<string, unknown>;
}

interface Recorded extends BatchRoute {
  url: string;
  segments: string[];
}

/** The routes POST /batch may call directly, per app and method. */
const recorded = new WeakMap<object, Map<string, Recorded[]>>();

/** Called by resource-routes.ts#registerPath for each route it registers with `batch: true`. */
export function recordBatchRoute(app: FastifyInstance, method: string, url: string, route: BatchRoute): void {
  let byMethod = recorded.get(app);
  if (!byMethod) {
    byMethod = new Map();
    recorded.set(app, byMethod);
  }
  const list = byMethod.get(method) ?? [];
  list.push({ ...route, url, segments: url.split('/') });
  byMethod.set(method, list);
}

/** The JSON body media types an operation may name and still be dispatched directly. */
const JSON_TYPES = new Set([
  'application/json',
  'application/merge-patch+json',
  'application/json-patch+json',
]);

export interface BatchMatch {
  route: Recorded;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

export interface DirectLimits {
  urlBytes: number;
  bodyLimit: number;
}

/**
 * The recorded route Fastify's router would serve `method path` with, its params and query as the
 * router parses them; undefined when the operation is one `inject` must answer (see above).
 */
export function matchBatchRoute(
  app: FastifyInstance,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  limits: DirectLimits,
): BatchMatch | undefined {
  const list = recorded.get(app)?.get(method);
  if (!list || path.length > limits.urlBytes) return undefined;
  const type = headers['content-type'];
  if (type !== undefined && (body === undefined || !JSON_TYPES.has(type))) return undefined;
  if (body !== undefined && Buffer.byteLength(body) > limits.bodyLimit) return undefined;
  const q = path.indexOf('?');
  const segments = (q < 0 ? path : path.slice(0, q)).split('/');
  if (segments.length > 2 && segments[segments.length - 1] === '') return undefined;
  const route = list.find(
    (r) =>
      r.segments.length === segments.length &&
      r.segments.every((s, i) => (s.startsWith(':') ? segments[i] !== '' : s === segments[i])),
  );
  if (!route) return undefined;
  // The router itself decides: the same route (its parameters by name), decoded as it decodes them.
  let found: { params?: Record<string, string | undefined>; searchParams?: Record<string, unknown> } | null;
  try {
    found = app.findRoute({ method: method as 'GET', url: path }) as typeof found;
  } catch {
    return undefined;
  }
  const names = route.segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1));
  const params = found?.params ?? {};
  if (
    !found ||
    Object.keys(params).length !== names.length ||
    !names.every((n) => typeof params[n] === 'string')
  )
    return undefined;
  return { route, params: params as Record<string, string>, query: found.searchParams ?? {} };
}
