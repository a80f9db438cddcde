/**
 * While the server drains (close() has begun), a request that still arrives on an open keep-alive
 * connection gets the error envelope (docs/errors.md): 503 SERVICE_UNAVAILABLE with Retry-After, and Connection: close,
 * so the client or load balancer retries on another instance. (Fastify's own return503OnClosing
 * answer is an unshaped body without Retry-After.)
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/api-error.js';

export function registerShutdownGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback style: no promise for the common case (not closing).
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(ApiError.of('SERVICE_UNAVAILABLE', 'the server is shutting down', {}, { 'retry-after': '1' }));
  });
}
