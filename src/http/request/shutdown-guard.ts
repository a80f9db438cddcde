/**
 * While the server drains (close() has begun), a request that still arrives on an open keep-alive
 * connection gets the error envelope (docs/errors.md): 503 SERVICE_UNAVAILABLE with Retry-After, and Connection: close,
 * so the client or load balancer retries on another instance. (Fastify's own return503OnClosing
 * answer is an unshaped body without Retry-After.) A connection that has not sent a request yet is
 * closed at once: Node's close() waits for it otherwise (fetch opens one after aborting a stream).
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/api-error.js';

/** Returns whether the server has begun to drain (the read shortcut then leaves requests to this hook). */
export function registerShutdownGuard(app: FastifyInstance, http2: boolean): () => boolean {
  let closing = false;
  /** HTTP/1 connections that have not sent a request yet (HTTP/2 sessions multiplex: not tracked). */
  const unused = new Set<Socket>();
  if (!http2) {
    app.server.on('connection', (socket: Socket) => {
      if (closing) return void socket.destroy();
      unused.add(socket);
      socket.once('close', () => unused.delete(socket));
    });
    app.server.on('request', (req: { socket: Socket }) => unused.delete(req.socket));
  }
  app.addHook('preClose', async () => {
    closing = true;
    for (const socket of unused) socket.destroy();
  });
  // Callback style: no promise for the common case (not closing).
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(ApiError.of('SERVICE_UNAVAILABLE', 'the server is shutting down', {}, { 'retry-after': '1' }));
  });
  return () => closing;
}
