/** `GET /webhooks/deliveries` (docs/webhooks.md), documented when webhooks and auth are both on. */

import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';
import { headers, json, operation, SIGNED_IN } from './openapi-auth-operations.js';
import { schemaRef } from './openapi-record-schemas.js';

const INT64 = { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });

export function webhookSchemas(model: Model): Record<string, JsonSchema> {
  if (!model.webhooks?.length || !model.auth) return {};
  return {
    WebhookAttempt: {
      type: 'object',
      description: 'One attempt at delivering one change to one webhook.',
      required: [
        'id',
        'deliveryId',
        'webhook',
        'event',
        'recordId',
        'attempt',
        'outcome',
        'status',
        'responseMs',
        'error',
        'at',
      ],
      properties: {
        id: INT64,
        deliveryId: {
          ...INT64,
          description: 'The delivery (one change to one webhook) this attempt belongs to.',
        },
        webhook: {
          type: 'string',
          maxLength: 2048,
          description: 'The webhook’s name (its URL unless named).',
        },
        event: { type: 'string', maxLength: 200, examples: ['orders.created'] },
        recordId: { type: 'string', maxLength: 200 },
        attempt: { type: 'integer', format: 'int32', minimum: 1, maximum: 1000 },
        outcome: {
          enum: ['delivered', 'pending', 'failed'],
          description:
            'The delivery’s state after this attempt: pending = retried later, failed = given up after 24 h.',
        },
        status: nullable('integer', {
          format: 'int32',
          minimum: 100,
          maximum: 599,
          description: 'The target’s HTTP status; null when no response came.',
        }),
        responseMs: { type: 'integer', format: 'int32', minimum: 0, maximum: 3_600_000 },
        error: nullable('string', { maxLength: 2048 }),
        at: { type: 'string', format: 'date-time', maxLength: 40 },
      },
    },
  };
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The path item, its parameter and responses added to `components` (parameters, responses). */
export function webhookPaths(
  model: Model,
  components: { parameters: Record<string, unknown>; responses: Record<string, unknown> },
): Record<string, unknown> {
  if (!model.webhooks?.length || !model.auth) return {};
  components.parameters.WebhookDeliveriesLimit = {
    name: 'limit',
    in: 'query',
    description: 'How many attempts (default 100) → 400 outside 1–1000.',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 1000, default: 100 },
  };
  components.responses.WebhookAttempts = {
    description: 'The attempts, newest first.',
    headers: headers(),
    content: json({ type: 'array', maxItems: 1000, items: schemaRef('WebhookAttempt') }),
  };
  components.responses.WebhookAttemptsHead = {
    description: 'The attempts, newest first. HEAD: the headers only.',
    headers: headers(),
  };
  const op = (method: 'get' | 'head') => {
    const built = operation(
      model,
      {
        id: method === 'get' ? 'listWebhookDeliveries' : 'headWebhookDeliveries',
        summary:
          method === 'get'
            ? 'Webhook delivery attempts (admin)'
            : 'Headers of: Webhook delivery attempts (admin)',
        description:
          'The latest attempts, newest first, with HTTP status and response time (docs/webhooks.md). The admin role only: 401 without credentials, 403 for other callers.',
        security: SIGNED_IN,
        parameters: [ref('parameters', 'WebhookDeliveriesLimit')],
        success: { 200: ref('responses', method === 'get' ? 'WebhookAttempts' : 'WebhookAttemptsHead') },
        errors: [400, 403],
      },
      method,
    );
    return { ...built, tags: ['webhooks'] };
  };
  return { '/webhooks/deliveries': { get: op('get'), head: op('head') } };
}
