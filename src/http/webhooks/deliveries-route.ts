/**
 * `GET /webhooks/deliveries` (docs/webhooks.md): the latest delivery attempts, newest first, with
 * their outcome, HTTP status and response time. The admin role only: 401 without credentials, 403
 * for anyone else, in the error envelope.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { ADMIN_ROLE } from '../../model/access-rules.js';
import type { Model } from '../../model/model-types.js';
import type { WebhookTables } from '../../model/webhook-resources.js';
import type { Store } from '../../store/store.js';
import { unauthenticated } from '../auth/auth-errors.js';
import { callerOf } from '../auth/caller.js';

export const DELIVERIES_PATH = '/webhooks/deliveries';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function registerDeliveriesRoute(
  app: FastifyInstance,
  model: Model,
  store: Store,
  t: WebhookTables,
): void {
  app.get(`${model.basePath}${DELIVERIES_PATH}`, async (req) => {
    const caller = callerOf(req);
    if (!caller)
      throw unauthenticated(`GET ${DELIVERIES_PATH} needs role:${ADMIN_ROLE}: no credentials were sent`);
    if (!caller.roles.includes(ADMIN_ROLE))
      throw ApiError.of(
        'FORBIDDEN',
        `GET ${DELIVERIES_PATH} needs role:${ADMIN_ROLE}; the caller's roles are [${caller.roles.join(', ')}]`,
      );
    const raw = (req.query as Record<string, unknown>).limit;
    const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw ApiError.of('INVALID_QUERY_PARAMETER', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
        parameter: 'limit',
      });
    const rows = await store.list(t.attempts, { where: [], sort: [{ field: 'id', desc: true }], limit });
    return rows.map((a) => ({
      id: a.id,
      deliveryId: a.delivery,
      webhook: a.webhook,
      event: a.event,
      recordId: a.recordId,
      attempt: a.attempt,
      outcome: a.outcome,
      status: a.status ?? null,
      responseMs: a.responseMs,
      error: a.error ?? null,
      at: a.createdAt,
    }));
  });
}
