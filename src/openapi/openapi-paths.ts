/**
 * The path items of one resource, exactly as resource-routes registers them: `/{r}`, `/{r}/{id}`
 * and `/{parent}/{id}/{r}` for each to-many relation, with GET, HEAD, OPTIONS and the methods served.
 */
import type { AccessAction } from '../model/access-rules.js';
import type { JsonSchema } from '../model/field-type.js';
import type { InverseRelation, Model, ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';
import type { ErrorStatus } from './openapi-errors.js';
import { filePaths, multipartBody } from './openapi-files.js';
import { parameterRef } from './openapi-headers.js';
import type { ResourceNames } from './openapi-names.js';
import { deleteParameterRefs, listParameterRefs } from './openapi-query.js';
import { schemaRef } from './openapi-record-schemas.js';
import { relationFiltersNote } from './openapi-relation-filters.js';
import * as res from './openapi-responses.js';
import { rulesExtension } from './openapi-rules.js';
import { accessExtension, operationSecurity, securityStatuses } from './openapi-security.js';

export interface PathContext {
  model: Model;
  names: Map<string, ResourceNames>;
  /** The Create schema of each resource, to derive a nested create body. */
  createSchemas: Map<string, JsonSchema>;
  /** Success responses shared by operations (`components.responses`), filled as paths are built. */
  responses: Record<string, unknown>;
  /** Schemas derived while building paths (nested create bodies), for `components.schemas`. */
  schemas: Record<string, JsonSchema>;
}

/** A `$ref` to the success response `name`, made once by `make`. */
export function shared(ctx: PathContext, name: string, make: () => unknown) {
  ctx.responses[name] ??= make();
  return { $ref: `#/components/responses/${name}` };
}

export const idParameter = (r: ResourceDef) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The id of a ${r.name} record. A value that cannot be an id of ${r.name} names no record: 404.`,
  schema: idKindOf(r).pathSchema,
});

export interface Op {
  id: string;
  summary: string;
  description: string;
  tag: string;
  actions: AccessAction[];
  write: boolean;
  parameters?: unknown[];
  body?: Record<string, unknown>;
  success: Record<string, unknown>;
  errors: ErrorStatus[];
  flavour: res.Flavour;
  /** The resource whose access rules apply (the child on nested routes). */
  r: ResourceDef;
}

export function operation(ctx: PathContext, op: Op): Record<string, unknown> {
  const { model } = ctx;
  const common = [
    ...res.commonStatuses(model),
    ...(op.actions.length ? securityStatuses(model, op.r, op.actions, op.write) : []),
  ];
  const security = op.actions.length
    ? operationSecurity(model, op.r, op.actions)
    : model.auth
      ? [{}]
      : undefined;
  return {
    operationId: op.id,
    summary: op.summary,
    ...rulesExtension(op.r, op.write ? op.actions : [], op.description),
    tags: [op.tag],
    parameters: [...(op.parameters ?? []), parameterRef('AcceptLanguage')],
    ...(op.body ? { requestBody: { required: true, content: op.body } } : {}),
    responses: res.responses(op.success, [...op.errors, ...common], op.flavour),
    ...(security ? { security } : {}),
    ...accessExtension(model, op.r, op.actions),
  };
}

const withBody: ErrorStatus[] = res.bodyStatuses;
/** GET of a collection or a record as a change stream (docs/realtime.md). */
const streamParams = [parameterRef('snapshot'), parameterRef('LastEventId')];

/** GET, HEAD, POST, DELETE and OPTIONS of a collection (top-level or nested under a parent). */
function collectionItem(
  ctx: PathContext,
  r: ResourceDef,
  nested?: { parent: ResourceDef; relation: InverseRelation },
) {
  const n = ctx.names.get(r.name)!;
  const stem = nested ? `${ctx.names.get(nested.parent.name)!.record}${n.plural}` : n.plural;
  const stemOne = nested ? `${ctx.names.get(nested.parent.name)!.record}${n.record}` : n.record;
  const where = nested ? ` of one ${nested.parent.name} record (its \`${nested.relation.field}\`)` : '';
  const parentMissing: ErrorStatus[] = nested ? [404] : [];
  const listParams = [...listParameterRefs(r), parameterRef('PreferCount'), parameterRef('IfNoneMatch')];
  // POST and bulk DELETE: If-Match other than `*`, or If-None-Match: `*` → 412 (the collection exists).
  const conditional = [parameterRef('IfMatch'), parameterRef('IfNoneMatch')];
  let createBody = schemaRef(`${n.record}Create`) as JsonSchema;
  if (nested) {
    const base = ctx.createSchemas.get(r.name)!;
    const name = `${n.record}CreateIn${ctx.names.get(nested.parent.name)!.record}`;
    const { examples: _examples, ...rest } = base;
    ctx.schemas[name] ??= {
      ...rest,
      required: (base.required as string[]).filter((f) => f !== nested.relation.field),
    };
    createBody = schemaRef(name);
  }
  const base = { tag: r.name, r };
  const list = (head: boolean): Op => ({
    ...base,
    id: `${head ? 'head' : 'list'}${stem}`,
    actions: ['read'],
    write: false,
    flavour: 'Post',
    summary: `${head ? 'Headers of' : 'List'} ${r.name}${where}`,
    description: `Filter, sort, page, select and embed (docs/query.md). Default order: id ascending; default page: 25.${relationFiltersNote(r)}${head ? ' HEAD: as GET, without a body.' : ''}`,
    parameters: head ? listParams : [...listParams, ...streamParams],
    success: {
      200: shared(ctx, head ? 'PageHead' : `${n.record}Page`, () => res.listOk(n.record, head)),
      304: shared(ctx, 'NotModifiedPage', () => res.notModified('list')),
    },
    // 429: over the open change streams allowed (realtime.maxStreamsPerCaller, maxStreams).
    errors: [400, ...parentMissing, ...(head ? [] : [429 as const])],
  });
  return {
    get: operation(ctx, list(false)),
    head: operation(ctx, list(true)),
    post: operation(ctx, {
      ...base,
      id: `create${stemOne}`,
      actions: ['create'],
      write: true,
      flavour: 'Post',
      summary: `Create a record in ${r.name}${where}`,
      description: `Validates every field at once (422 lists each failure). 201 with Location.${nested ? ` \`${nested.relation.field}\` is set from the URL (a different value in the body → 422).` : ''}`,
      parameters: [parameterRef('PreferReturn'), parameterRef('IdempotencyKey'), ...conditional],
      body: { 'application/json': { schema: createBody }, ...multipartBody(ctx, r) },
      success: { 201: shared(ctx, `${n.record}CreatedByPost`, () => res.created(n.record, 'POST')) },
      errors: [...withBody, 409, 412, 422, 507, ...parentMissing],
    }),
    delete: operation(ctx, {
      ...base,
      id: `delete${stem}`,
      actions: ['delete'],
      write: true,
      flavour: 'Post',
      summary: `Delete the records of ${r.name}${where} that match the filters`,
      description: `Bulk delete by query-string filter; at least one filter is required (400 otherwise). All or nothing.${r.requireIfMatch ? ' This resource requires `If-Match: *` (428 without it).' : ''}`,
      parameters: [...deleteParameterRefs(r), ...conditional],
      success: { 200: shared(ctx, 'BulkDeleted', res.bulkDeleted) },
      errors: [...withBody, 409, 412, ...(r.requireIfMatch ? [428 as const] : []), 507, ...parentMissing],
    }),
    options: operation(ctx, {
      ...base,
      id: `options${stem}`,
      actions: [],
      write: false,
      flavour: 'Post',
      summary: `Methods of ${r.name}${where}`,
      description: 'Allow and Accept-Post; CORS preflights are answered here too.',
      success: { 204: shared(ctx, 'OptionsPost', () => res.options(ctx.model, 'Post')) },
      errors: withBody,
    }),
  };
}

function itemPath(ctx: PathContext, r: ResourceDef) {
  const n = ctx.names.get(r.name)!.record;
  const base = { tag: r.name, r };
  const conditional = [
    parameterRef('IfMatch'),
    parameterRef('IfNoneMatch'),
    parameterRef('IfUnmodifiedSince'),
  ];
  // 400 on every item route: a malformed %-escape in the id is refused before routing.
  const preconditions: ErrorStatus[] = [400, 404, 412, ...(r.requireIfMatch ? [428 as const] : [])];
  const get = (head: boolean): Op => ({
    ...base,
    id: `${head ? 'head' : 'get'}${n}`,
    actions: ['read'],
    write: false,
    flavour: 'Patch',
    summary: `${head ? 'Headers of' : 'Get'} a record of ${r.name}`,
    description: 'With ETag and Last-Modified; 304 when If-None-Match / If-Modified-Since still match.',
    parameters: [parameterRef('IfNoneMatch'), parameterRef('IfModifiedSince'), ...(head ? [] : streamParams)],
    success: {
      200: shared(ctx, head ? 'RecordHead' : `${n}Record`, () => res.recordOk(n, head)),
      304: shared(ctx, 'NotModifiedRecord', () => res.notModified('record')),
    },
    errors: [400, 404, ...(head ? [] : [429 as const])],
  });
  const written = (idem: boolean) => ({
    200: shared(ctx, `${n}Written${idem ? 'Idempotent' : ''}`, () => res.written(n, idem)),
    204: shared(ctx, `WrittenMinimal${idem ? 'Idempotent' : ''}`, () => res.writtenMinimal(idem)),
  });
  const putSuccess: Record<string, unknown> = written(false);
  if (idKindOf(r).assignedBy !== 'store')
    putSuccess[201] = shared(ctx, `${n}CreatedByPut`, () => res.created(n, 'PUT'));
  return {
    parameters: [parameterRef(`${r.name}.id`)],
    get: operation(ctx, get(false)),
    head: operation(ctx, get(true)),
    put: operation(ctx, {
      ...base,
      id: `replace${n}`,
      actions: idKindOf(r).assignedBy === 'store' ? ['update'] : ['update', 'create'],
      write: true,
      flavour: 'Patch',
      summary: `Replace a record of ${r.name}`,
      description:
        idKindOf(r).assignedBy === 'store'
          ? 'Full replacement: fields left out are cleared. The id is assigned by the server, so an absent record → 404.'
          : 'Full replacement: fields left out are cleared. An absent record is created with this id (201 + Location).',
      parameters: [...conditional, parameterRef('PreferReturn')],
      body: { 'application/json': { schema: schemaRef(`${n}Replace`) }, ...multipartBody(ctx, r) },
      success: putSuccess,
      errors: [...withBody, ...preconditions, 409, 422, 507],
    }),
    patch: operation(ctx, {
      ...base,
      id: `patch${n}`,
      actions: ['update'],
      write: true,
      flavour: 'Patch',
      summary: `Change part of a record of ${r.name}`,
      description:
        'RFC 7396 merge patch (`application/merge-patch+json` or `application/json`) or RFC 6902 JSON Patch (`application/json-patch+json`, atomic). ' +
        'A malformed patch → 400; a failed `test` or a path that does not exist → 409; the patched record is validated like a PUT (422).',
      parameters: [...conditional, parameterRef('PreferReturn'), parameterRef('IdempotencyKey')],
      body: {
        'application/merge-patch+json': { schema: schemaRef(`${n}MergePatch`) },
        'application/json-patch+json': { schema: schemaRef('JsonPatch') },
        'application/json': { schema: schemaRef(`${n}MergePatch`) },
        ...multipartBody(ctx, r),
      },
      success: written(true),
      errors: [...withBody, ...preconditions, 409, 422, 507],
    }),
    delete: operation(ctx, {
      ...base,
      id: `delete${n}`,
      actions: ['delete'],
      write: true,
      flavour: 'Patch',
      summary: `Delete a record of ${r.name}`,
      description: 'No body. 409 while other records still reference it (onDelete: restrict).',
      parameters: conditional,
      success: { 204: shared(ctx, 'Deleted', res.deleted) },
      errors: [...withBody, ...preconditions, 409, 507],
    }),
    options: operation(ctx, {
      ...base,
      id: `options${n}`,
      actions: [],
      write: false,
      flavour: 'Patch',
      summary: `Methods of a record of ${r.name}`,
      description: 'Allow and Accept-Patch; CORS preflights are answered here too.',
      success: { 204: shared(ctx, 'OptionsPatch', () => res.options(ctx.model, 'Patch')) },
      errors: withBody,
    }),
  };
}

/** `paths` entries of one resource (keys relative to the server URL, i.e. without basePath). */
export function resourcePaths(ctx: PathContext, r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [`/${r.name}`]: collectionItem(ctx, r),
    [`/${r.name}/{id}`]: itemPath(ctx, r),
  };
  Object.assign(out, filePaths(ctx, r));
  for (const relation of r.toMany) {
    const child = ctx.model.byName.get(relation.resource)!;
    out[`/${r.name}/{id}/${relation.name}`] = {
      parameters: [parameterRef(`${r.name}.id`)],
      ...collectionItem(ctx, child, { parent: r, relation }),
    };
  }
  return out;
}
