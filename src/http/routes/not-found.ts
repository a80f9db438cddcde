/** Requests no route matched: 501 for unknown methods, docs/http-semantics.md redirects, else 404. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { Model } from '../../model/model-types.js';
import { STANDARD_METHODS } from './resource-routes.js';

/** `/clients/7?x=1` → `/customers/7?x=1` when `customers` has `movedFrom: [clients]`. */
export function movedLocation(model: Model, url: string): string | undefined {
  const [path, query] = splitUrl(url);
  const prefix = `${model.basePath}/`;
  if (!path.startsWith(prefix)) return undefined;
  const [first, ...rest] = path.slice(prefix.length).split('/');
  const target = model.resources.find((r) => r.movedFrom.includes(first));
  if (!target) return undefined;
  return `${prefix}${[target.name, ...rest].join('/')}${query}`;
}

function splitUrl(url: string): [string, string] {
  const i = url.indexOf('?');
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i)];
}

/** Methods some route serves at this concrete path (a route exists, just not for this method). */
export type MethodsAt = (path: string) => string[];

export function notFoundHandler(model: Model, methodsAt: MethodsAt) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(STANDARD_METHODS as readonly string[]).includes(req.method)) {
      throw ApiError.of('NOT_IMPLEMENTED', `method ${req.method} is not implemented by this server`);
    }
    const [path] = splitUrl(req.url);
    const moved = movedLocation(model, req.url);
    if (moved) {
      const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
      return reply.code(status).header('location', moved).send();
    }
    const served = methodsAt(path);
    if (served.length) {
      const allow = STANDARD_METHODS.filter(
        (m) => m === 'OPTIONS' || served.includes(m) || (m === 'HEAD' && served.includes('GET')),
      ).join(', ');
      if (req.method === 'OPTIONS') return reply.code(204).header('allow', allow).send();
      throw ApiError.of(
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${path}; allowed: ${allow}`,
        {},
        { allow },
      );
    }
    throw ApiError.of('ROUTE_NOT_FOUND', `no route for ${path}`);
  };
}
