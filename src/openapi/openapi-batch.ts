/**
 * `POST /batch` (docs/batch.md; src/http/batch/): its request and response schemas and the path
 * item, shared by every config. The operations inside keep their own documented semantics.
 */

import { BATCH_METHODS, BATCH_OPERATION_HEADERS, MAX_BATCH_OPERATIONS } from '../model/batch-shape.js';
import type { JsonSchema } from '../model/field-type.js';
import type { ErrorStatus } from './openapi-errors.js';
import { commonHeaders, headerRef, parameterRef } from './openapi-headers.js';
import { type PathContext, shared } from './openapi-paths.js';
import { schemaRef } from './openapi-record-schemas.js';
import * as res from './openapi-responses.js';

const any = { description: 'Any JSON value.' };

export function batchSchemas(): Record<string, JsonSchema> {
  return {
    BatchRequest: {
      type: 'object',
      required: ['operations'],
      additionalProperties: false,
      properties: {
        operations: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_BATCH_OPERATIONS,
          items: {
            type: 'object',
            required: ['method', 'path'],
            additionalProperties: false,
            patternProperties: { '^headers$': schemaRef('BatchOperationOptions') },
            properties: {
              method: { type: 'string', enum: [...BATCH_METHODS] },
              path: {
                type: 'string',
                pattern: '^/',
                maxLength: 2048,
                description:
                  'A path of this API (with its query); a segment `$ref.field` takes that value of an earlier result.',
                examples: ['/customers/$c.id/orders'],
              },
              body: {
                ...any,
                description:
                  'The request body (JSON; PATCH as a merge patch unless headers say otherwise); a string `"$ref.field"` takes that value of an earlier result.',
              },

              ref: {
                type: 'string',
                pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
                maxLength: 64,
                description: 'Names this result for later operations.',
              },
            },
          },
        },
      },
    },
    // `headers` members are declared by pattern: Spectral's OWASP CORS rule (`$..headers`) takes any
    // member of that name for a response's headers.
    BatchOperationOptions: {
      type: 'object',
      description: `Request headers of this operation: ${BATCH_OPERATION_HEADERS.join(', ')}. Credentials and language are the batch's.`,
      additionalProperties: { type: 'string', maxLength: 1024 },
      maxProperties: BATCH_OPERATION_HEADERS.length,
    },
    BatchResultMeta: {
      type: 'object',
      description: 'Location, ETag, Last-Modified and Preference-Applied, when the operation sent them.',
      additionalProperties: { type: 'string', maxLength: 4096 },
    },
    BatchResponse: {
      type: 'object',
      required: ['operations'],
      properties: {
        operations: {
          type: 'array',
          maxItems: MAX_BATCH_OPERATIONS,
          items: {
            type: 'object',
            required: ['status', 'headers', 'body'],
            patternProperties: { '^headers$': schemaRef('BatchResultMeta') },
            properties: {
              status: { type: 'integer', format: 'int32', minimum: 200, maximum: 399 },

              body: { ...any, description: 'The operation’s response body (null when it had none).' },
            },
          },
        },
      },
    },
  };
}

/** The `/batch` path item (keys relative to the server URL). */
export function batchPaths(ctx: PathContext): Record<string, unknown> {
  const { model } = ctx;
  // The batch's own refusals, and whatever one of its operations answers.
  const errors: ErrorStatus[] = [
    ...res.bodyStatuses,
    ...res.commonStatuses(model),
    ...(model.auth ? ([401, 403] as const) : []),
    404,
    409,
    412,
    422,
    428,
  ];
  const security = model.auth ? [{}, { cookieAuth: [] }, { bearerAuth: [] }] : [{}];
  return {
    '/batch': {
      post: {
        operationId: 'batch',
        summary: 'Run several operations in one transaction',
        description:
          'Runs the operations in order, each with its own semantics (access rules, preconditions, validation, business rules), all in one transaction. All succeed → 200 with each result; one fails → nothing is written, and the answer is its error, each entry’s pointer under `/operations/{i}`. At most 1 000 operations (413 above). Idempotency-Key applies to the whole batch.',
        tags: ['batch'],
        parameters: [parameterRef('IdempotencyKey'), parameterRef('AcceptLanguage')],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaRef('BatchRequest') } },
        },
        responses: res.responses(
          {
            200: shared(ctx, 'BatchOk', () => ({
              description: 'Every operation succeeded and is committed.',
              headers: { ...commonHeaders(), 'Idempotent-Replayed': headerRef('Idempotent-Replayed') },
              content: { 'application/json': { schema: schemaRef('BatchResponse') } },
            })),
          },
          errors,
          'Post',
        ),
        security,
      },
      options: {
        operationId: 'batchOptions',
        summary: 'Methods of /batch',
        description: 'Allow and Accept-Post; CORS preflights are answered here too.',
        tags: ['batch'],
        parameters: [parameterRef('AcceptLanguage')],
        responses: res.responses(
          { 204: shared(ctx, 'OptionsPost', () => res.options(model, 'Post')) },
          [...res.bodyStatuses, ...res.commonStatuses(model)],
          'Post',
        ),
        security: [{}],
      },
    },
  };
}
