/**
 * The tables behind webhooks (docs/webhooks.md), built-in resources like users and tokens: stored
 * through the schema planner, never routed, never in the change log.
 * - cursors: per webhook, the last change-log entry turned into deliveries (the outbox's position);
 * - deliveries: one per (webhook, change), with its state, next attempt and claim (lease);
 * - attempts: one per HTTP attempt, listed by `GET /webhooks/deliveries`.
 */
import { field, internalResource } from './internal-resources.js';
import type { ResourceDef } from './model-types.js';

export const WEBHOOK_CURSORS = '_verbo_webhook_cursors';
export const WEBHOOK_DELIVERIES = '_verbo_webhook_deliveries';
export const WEBHOOK_ATTEMPTS = '_verbo_webhook_attempts';

export interface WebhookTables {
  cursors: ResourceDef;
  deliveries: ResourceDef;
  attempts: ResourceDef;
}

export function webhookResources(): WebhookTables {
  const cursors = internalResource(
    WEBHOOK_CURSORS,
    [
      field('webhook', 'string', { required: true, unique: true, index: true }),
      field('seq', 'integer', { required: true }),
    ],
    'Webhook outbox positions (built in).',
  );
  const deliveries = internalResource(
    WEBHOOK_DELIVERIES,
    [
      field('webhook', 'string', { required: true, index: true }),
      field('seq', 'integer', { required: true, index: true }),
      field('event', 'string', { required: true }),
      field('resource', 'string', { required: true }),
      field('recordId', 'string', { required: true }),
      // pending → delivered | failed (gave up after 24 h)
      field('status', 'string', { required: true, index: true }),
      field('attempts', 'integer', { required: true }),
      field('nextAttemptAt', 'datetime', { required: true }),
      field('leaseUntil', 'datetime', { required: true }),
      field('payload', 'string', { required: true }),
      field('lastStatus', 'integer'),
      field('lastError', 'string'),
    ],
    'Webhook deliveries (built in).',
  );
  const attempts = internalResource(
    WEBHOOK_ATTEMPTS,
    [
      field('delivery', 'integer', { required: true, index: true }),
      field('webhook', 'string', { required: true }),
      field('event', 'string', { required: true }),
      field('recordId', 'string', { required: true }),
      field('attempt', 'integer', { required: true }),
      field('outcome', 'string', { required: true }),
      field('status', 'integer'),
      field('responseMs', 'integer', { required: true }),
      field('error', 'string'),
    ],
    'Webhook delivery attempts (built in).',
  );
  return { cursors, deliveries, attempts };
}
