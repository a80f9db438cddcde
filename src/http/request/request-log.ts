/**
 * One log entry per request: method, URL with its query, status, the error code of a 4xx/5xx
 * answer, duration. Registered only when logging is on, so a silent server pays nothing per request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
    req.log.info(
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        code: errorCodes.get(req),
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    done();
  });
}
