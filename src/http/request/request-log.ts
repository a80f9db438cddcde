/**
 * One log entry per request: method, URL with its query, status, the error code of a 4xx/5xx
 * answer, duration. Registered only when logging is on, so a silent server pays nothing per request.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';

/** The catalogue code of an error body (`{"errors":[{"code":"…"` or problem+json's `"code":"…"`). */
const ERROR_CODE = /"code":"([A-Z0-9_]+)"/;
const errorCodes = new WeakMap<FastifyRequest, string>();

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = ERROR_CODE.exec(payload)?.[1];
      if (code) errorCodes.set(req, code);
    }
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    logRequest(req.log, req.method, req.url, reply.statusCode, reply.elapsedTime, errorCodes.get(req));
    done();
  });
}

/** The one line of a request, on its logger (bound to its trace id); the read shortcut writes it too. */
export function logRequest(
  log: FastifyBaseLogger,
  method: string,
  url: string,
  status: number,
  elapsedMs: number,
  code?: string,
): void {
  log.info({ method, url, status, code, durationMs: Math.round(elapsedMs * 100) / 100 }, 'request');
}
