/**
 * The bulk routes in the document (docs/bulk.md): `POST /{r}/imports` (202 + Location + the job),
 * `GET` / `DELETE /jobs/{id}`, the `Job` schema, and the CSV / NDJSON bodies of every list.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { ResourceDef } from '../model/model-types.js';
import type { ErrorStatus } from './openapi-errors.js';
import { commonHeaders, headerRef, parameterRef } from './openapi-headers.js';
import { int } from './openapi-limits.js';
import { operation, type PathContext, shared } from './openapi-paths.js';
import { schemaRef } from './openapi-record-schemas.js';
import { bodyStatuses } from './openapi-responses.js';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const TIME = { type: ['string', 'null'], format: 'date-time', maxLength: 40 };
const COUNT = schemaRef('JobCount');

/** `Job`: what an import's 202 and `GET /jobs/{id}` answer. */
export function jobSchemas(): Record<string, JsonSchema> {
  return {
    JobCount: int(0, 2 ** 53 - 1),
    Job: {
      type: 'object',
      description:
        'An import job (docs/bulk.md). `result`: null until finished; `errors` point at `/rows/{n}/{field}` (n from 1).',
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
          properties: { done: COUNT, total: { anyOf: [COUNT, { type: 'null' }] } },
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

/** The job as a response (200 and 202 share it; Location only on an import's 202). */
const jobResponse = (head: boolean) => ({
  description: `The job${head ? ' (headers only)' : ''}; Retry-After while it runs, Location on a 202.`,
  headers: { ...commonHeaders(), 'Retry-After': headerRef('Retry-After'), Location: headerRef('Location') },
  ...(head ? {} : { content: { 'application/json': { schema: schemaRef('Job') } } }),
});
const jobRef = (ctx: PathContext) => shared(ctx, 'Job', () => jobResponse(false));

/** `components.parameters` of the bulk routes: the import options and the job id. */
export const bulkParameters = () => ({
  ImportMode: {
    name: 'mode',
    in: 'query',
    description:
      '`all-or-nothing` (default): nothing is written if any row fails. `valid-rows`: good rows are written, bad ones reported.',
    schema: { type: 'string', enum: ['all-or-nothing', 'valid-rows'], default: 'all-or-nothing' },
  },
  ImportOnConflict: {
    name: 'onConflict',
    in: 'query',
    description:
      'A row whose id or unique field is already taken: `fail` (default, a problem of that row), `skip` it, or `update` the stored record with the fields the row names.',
    schema: { type: 'string', enum: ['fail', 'skip', 'update'], default: 'fail' },
  },
  JobId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The job id.',
    schema: { type: 'string', maxLength: 36, pattern: '^[0-9a-fA-F-]{36}$' },
  },
});

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
        'NDJSON, CSV (header row = field names) or a JSON array; each row is checked like a POST. 202 with the job; poll its Location.',
      parameters: [parameterRef('ImportMode'), parameterRef('ImportOnConflict')],
      body: {
        'application/x-ndjson': text('One JSON object per line.'),
        'text/csv': text('RFC 4180, a header row; json fields as JSON text.'),
        'application/json': {
          schema: { type: 'array', maxItems: 2 ** 30, items: schemaRef(`${n.record}Create`) },
        },
      },
      success: { 202: jobRef(ctx) },
      errors: [...bodyStatuses, 507] as ErrorStatus[],
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
  const get = (head: boolean) =>
    operation(ctx, {
      ...common,
      r,
      id: head ? 'headJob' : 'getJob',
      summary: head ? 'Headers of a job' : 'Get a job',
      description: 'State and progress, from any instance; for its starter or an admin.',
      success: { 200: head ? shared(ctx, 'JobHead', () => jobResponse(true)) : jobRef(ctx) },
      errors: [404],
    });
  return {
    parameters: [parameterRef('JobId')],
    get: get(false),
    head: get(true),
    delete: operation(ctx, {
      ...common,
      r,
      id: 'cancelJob',
      write: true,
      summary: 'Cancel a running job',
      description:
        'All-or-nothing imports roll back. 200 cancelled; 202 while another instance stops it; 409 finished.',
      success: { 200: jobRef(ctx), 202: jobRef(ctx) },
      errors: [...bodyStatuses, 404, 409],
    }),
    options: operation(ctx, {
      ...common,
      r,
      id: 'optionsJob',
      summary: 'Methods of a job',
      description: 'Allow.',
      success: {
        204: shared(ctx, 'OptionsJob', () => ({
          description: 'Allow lists the methods.',
          headers: { ...commonHeaders(), Allow: headerRef('Allow') },
        })),
      },
      errors: bodyStatuses,
    }),
  };
}
