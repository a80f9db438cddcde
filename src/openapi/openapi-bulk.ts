/**
 * The bulk routes in the document (docs/bulk.md): `POST /{r}/imports` (202 + Location + the job),
 * `GET` / `DELETE /jobs/{id}`, the `Job` schema, and the CSV / NDJSON bodies of every list.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { ResourceDef } from '../model/model-types.js';
import type { ErrorStatus } from './openapi-errors.js';
import { commonHeaders, headerRef } from './openapi-headers.js';
import { operation, type PathContext, shared } from './openapi-paths.js';
import { schemaRef } from './openapi-record-schemas.js';
import { bodyStatuses } from './openapi-responses.js';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const TIME = { type: ['string', 'null'], format: 'date-time', maxLength: 40 };
const COUNT = { type: 'integer', minimum: 0, maximum: 2 ** 53 - 1 };

/** `Job`: what an import's 202 and `GET /jobs/{id}` answer. */
export function jobSchemas(): Record<string, JsonSchema> {
  return {
    Job: {
      type: 'object',
      description:
        'A long-running job (an import). `result` is null until it has finished; its `errors` are envelope entries (docs/errors.md) whose `pointer` is `/rows/{n}/{field}` (n: the row in the input, from 1).',
      required: [
        'id',
        'kind',
        'resource',
        'state',
        'progress',
        'createdAt',
        'startedAt',
        'finishedAt',
        'result',
      ],
      additionalProperties: false,
      properties: {
        id: { type: 'string', format: 'uuid', maxLength: 36 },
        kind: { type: 'string', enum: ['import'] },
        resource: { type: 'string', maxLength: 64 },
        state: { type: 'string', enum: STATES },
        progress: {
          type: 'object',
          required: ['done', 'total'],
          additionalProperties: false,
          properties: { done: COUNT, total: { ...COUNT, type: ['integer', 'null'] } },
        },
        createdAt: { ...TIME, type: 'string' },
        startedAt: TIME,
        finishedAt: TIME,
        result: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            created: COUNT,
            updated: COUNT,
            skipped: COUNT,
            failed: COUNT,
            errors: { type: 'array', maxItems: 1000, items: schemaRef('Error') },
            moreErrors: COUNT,
          },
        },
      },
    },
  };
}

const jobHeaders = (running: boolean) => ({
  ...commonHeaders(),
  ...(running ? { 'Retry-After': headerRef('Retry-After') } : {}),
});

const modeParameter = {
  name: 'mode',
  in: 'query',
  description:
    '`all-or-nothing` (default): nothing is written if any row fails. `valid-rows`: good rows are written, bad ones reported.',
  schema: { type: 'string', enum: ['all-or-nothing', 'valid-rows'], default: 'all-or-nothing' },
};
const onConflictParameter = {
  name: 'onConflict',
  in: 'query',
  description:
    'A row whose id or unique field is already taken: `fail` (default, a problem of that row), `skip` it, or `update` the stored record with the fields the row names.',
  schema: { type: 'string', enum: ['fail', 'skip', 'update'], default: 'fail' },
};

const text = (description: string) => ({ schema: { type: 'string', maxLength: 2 ** 30, description } });

export function importPath(ctx: PathContext, r: ResourceDef) {
  const n = ctx.names.get(r.name)!;
  const base = { tag: r.name, r, flavour: 'Post' as const };
  return {
    post: operation(ctx, {
      ...base,
      id: `import${n.plural}`,
      actions: ['create'],
      write: true,
      summary: `Import records into ${r.name} (a job)`,
      description:
        'The body is NDJSON, CSV (header row = field names) or a JSON array; every row goes through the validation and access rules of a POST. Answers 202 at once with the job; poll its Location.',
      parameters: [modeParameter, onConflictParameter],
      body: {
        'application/x-ndjson': text('One JSON object per line.'),
        'text/csv': text('RFC 4180; the header row names the fields; json fields as JSON text.'),
        'application/json': {
          schema: { type: 'array', maxItems: 2 ** 30, items: schemaRef(`${n.record}Create`) },
        },
      },
      success: {
        202: shared(ctx, 'ImportAccepted', () => ({
          description: 'Accepted: the import job runs; Location is its URL.',
          headers: { ...jobHeaders(false), Location: headerRef('Location') },
          content: { 'application/json': { schema: schemaRef('Job') } },
        })),
      },
      errors: [...bodyStatuses, 422, 507] as ErrorStatus[],
    }),
    options: operation(ctx, {
      ...base,
      id: `optionsImport${n.plural}`,
      actions: [],
      write: false,
      summary: `Methods of ${r.name}/imports`,
      description: 'Allow and Accept-Post (the three body types).',
      success: { 204: shared(ctx, 'OptionsPost', () => ({ description: 'Allow and Accept-Post.' })) },
      errors: bodyStatuses,
    }),
  };
}

export function jobPath(ctx: PathContext) {
  const common = { tag: 'jobs', actions: [], write: false, flavour: 'Post' as const };
  // Access is the job's own (its starter or an admin; 404 for anyone else), not a resource's rules.
  const r = ctx.model.resources[0];
  const jobOk = (head: boolean) =>
    shared(ctx, head ? 'JobHead' : 'JobState', () => ({
      description: `The job${head ? '; HEAD sends the headers only' : ''}. While it is queued or running, Retry-After says when to poll again.`,
      headers: jobHeaders(true),
      ...(head ? {} : { content: { 'application/json': { schema: schemaRef('Job') } } }),
    }));
  const get = (head: boolean) =>
    operation(ctx, {
      ...common,
      r,
      id: head ? 'headJob' : 'getJob',
      summary: head ? 'Headers of a job' : 'Get a job',
      description:
        'Its state and progress, from any instance. Only the caller who started it (or an admin) sees it.',
      success: { 200: jobOk(head) },
      errors: [404],
    });
  return {
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'The job id (the Location of an import).',
        schema: { type: 'string', maxLength: 36, pattern: '^[0-9a-fA-F-]{36}$' },
      },
    ],
    get: get(false),
    head: get(true),
    delete: operation(ctx, {
      ...common,
      r,
      id: 'cancelJob',
      write: true,
      summary: 'Cancel a running job',
      description:
        'An all-or-nothing import is rolled back. 200 with the job once cancelled; 202 while another instance stops it; 409 when it has already finished.',
      success: {
        200: jobOk(false),
        202: shared(ctx, 'JobCancelling', () => ({
          description: 'Cancellation asked: the instance running the job stops it at its next chunk.',
          headers: jobHeaders(true),
          content: { 'application/json': { schema: schemaRef('Job') } },
        })),
      },
      errors: [...bodyStatuses, 404, 409],
    }),
    options: operation(ctx, {
      ...common,
      r,
      id: 'optionsJob',
      summary: 'Methods of a job',
      description: 'Allow.',
      success: {
        204: {
          description: 'Allow lists the methods.',
          headers: { ...commonHeaders(), Allow: headerRef('Allow') },
        },
      },
      errors: bodyStatuses,
    }),
  };
}
