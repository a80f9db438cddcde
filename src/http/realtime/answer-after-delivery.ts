/**
 * A write answers once this process's open change streams have been sent its change
 * (docs/realtime.md): a client that waits for each answer before its next write sees every step on
 * its streams, not a later state folded over an earlier one. Route-level hooks on writing routes
 * only, and no wait at all while no stream is open: a GET, and a write with no stream, pay nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inAmbient } from '../../write/ambient-transaction.js';
import { withHook } from '../request/route-hooks.js';
import type { ChangeHub } from './change-hub.js';

/** The longest a write's answer waits for the delivery of its change (ms). */
export const DELIVERY_WAIT_MS = 500;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function registerAnswerAfterDelivery(app: FastifyInstance, hub: ChangeHub): void {
  const onSend = (
    _req: FastifyRequest,
    _reply: FastifyReply,
    payload: unknown,
    done: (err: Error | null, payload?: unknown) => void,
  ) => {
    // An operation of POST /batch answers inside the batch's transaction: nothing of it is
    // committed yet (the batch's own answer waits instead), and waiting there would hold the
    // transaction open while the feed waits for it.
    if (hub.size === 0 || inAmbient()) return done(null, payload);
    hub.delivered(DELIVERY_WAIT_MS).then(() => done(null, payload));
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => WRITES.has(m))) return;
    route.onSend = withHook(route.onSend, onSend);
  });
}
