/**
 * Files in the document (docs/files.md): the multipart body of POST/PUT/PATCH of a resource with
 * file fields, and the routes /{r}/{id}/{field} (download with ranges and thumbnails, raw upload,
 * delete), with shared components so the document stays compact.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import { parameterRef } from './openapi-headers.js';
import { operation, type PathContext, shared } from './openapi-paths.js';
import { schemaRef } from './openapi-record-schemas.js';
import * as res from './openapi-responses.js';

const fileFieldsOf = (r: ResourceDef): FieldDef[] => r.fields.filter((f) => f.type.file);

/** Bytes of at most `max`. */
const binary = (max: number) => ({ type: 'string', format: 'binary', maxLength: max });
const largest = (ctx: PathContext) =>
  Math.max(...ctx.model.resources.flatMap(fileFieldsOf).map((f) => f.type.file!.maxSize(f)));

/** Header components the file routes send. */
export const fileHeaders = () => ({
  'Content-Range': {
    description: 'The bytes of a 206 (`bytes 0-99/1234`), or the size on a 416 (`bytes */1234`).',
    schema: { type: 'string', maxLength: 64, pattern: '^bytes (\\d+-\\d+|\\*)/\\d+$' },
  },
  'Content-Disposition': {
    description: 'RFC 6266: `inline` for images, `attachment` otherwise, with the name as `filename*`.',
    schema: { type: 'string', maxLength: 2048 },
  },
  'Accept-Ranges': {
    description: 'Files answer single byte ranges.',
    schema: { type: 'string', const: 'bytes' },
  },
});

/** What one file field takes, for descriptions. */
function limitsText(f: FieldDef): string {
  const file = f.type.file!;
  const accept = [f.options.accept ?? []].flat().join(', ');
  return `at most ${file.maxSize(f)} bytes${accept ? `; ${accept} (detected from the content)` : ''}`;
}

/** The `multipart/form-data` entry of a write body, or nothing when `r` has no file field. */
export function multipartBody(ctx: PathContext, r: ResourceDef): Record<string, unknown> {
  const fields = fileFieldsOf(r);
  if (!fields.length) return {};
  const name = `${ctx.names.get(r.name)!.record}Upload`;
  ctx.schemas[name] ??= {
    type: 'object',
    description:
      'A record and its files: the part `record` holds the JSON fields (as the JSON body of the same request would), one part per file field holds its bytes.',
    properties: {
      record: { type: 'object', description: 'The JSON fields (`application/json`).' },
      ...Object.fromEntries(
        fields.map((f) => [
          f.name,
          { ...binary(f.type.file!.maxSize(f)), description: `The file: ${limitsText(f)}.` },
        ]),
      ),
    },
    // Required here so a JSON body cannot pass for this one; PATCH also takes files alone.
    required: ['record'],
  } satisfies JsonSchema;
  // A file part's `contentType` lists the types its field accepts (OpenAPI's encoding object), so a
  // client (the admin app's file chooser) can offer only those; the server still sniffs the content.
  const accepted = fields.flatMap((f) => {
    const accept = [f.options.accept ?? []].flat().join(', ');
    return accept ? [[f.name, { contentType: accept }]] : [];
  });
  return {
    'multipart/form-data': {
      schema: schemaRef(name),
      encoding: { record: { contentType: 'application/json' }, ...Object.fromEntries(accepted) },
    },
  };
}

const download = (max: number) => ({
  description:
    'The file (`Content-Type` as detected from the content at upload, a strong ETag: its SHA-256), or with `Range` (206) the one range asked for (`Content-Range`); HEAD sends the headers only.',
  headers: res.headers('ETag', 'Last-Modified', 'Content-Disposition', 'Content-Range'),
  content: { '*/*': { schema: binary(max) } },
});

const stored = () => ({
  description: 'Stored: the file metadata; 201 (with Location) when the field was empty.',
  headers: res.headers('ETag', 'Location'),
  content: { 'application/json': { schema: schemaRef('FileMetadata') } },
});

/**
 * A file field in the record schemas: a reference to `FileMetadata` (or null) where a record is
 * shown; left out of the write bodies, where it is read-only (the bytes go to its own URL or a part).
 */
export function shareFileMetadata(schemas: Record<string, JsonSchema>): void {
  const isFile = (v: JsonSchema): boolean => {
    const p = v.properties as Record<string, JsonSchema> | undefined;
    return p?.sha256?.pattern === '^[0-9a-f]{64}$' && p.url !== undefined;
  };
  for (const [name, schema] of Object.entries(schemas)) {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    if (!props) continue;
    const write = /(Create|Replace|MergePatch)$/.test(name);
    for (const [field, v] of Object.entries(props)) {
      if (!isFile(v)) continue;
      if (write) delete props[field];
      else props[field] = { anyOf: [schemaRef('FileMetadata'), { type: 'null' }], readOnly: true };
    }
  }
}

/** Thumbnail sizes of a field, as a query parameter component (only for fields that declare some). */
export function thumbParameters(r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fileFieldsOf(r)) {
    const sizes = f.type.file!.thumbs(f);
    if (sizes.length)
      out[`${r.name}.${f.name}.thumb`] = {
        name: 'thumb',
        in: 'query',
        description: 'A thumbnail of the image at one of the sizes the field declares (any other → 422).',
        schema: { type: 'string', enum: sizes },
      };
  }
  return out;
}

/** The `FileMetadata` schema (a file field's value), when some resource has a file field. */
export function fileSchemas(resources: ResourceDef[]): Record<string, JsonSchema> {
  const f = resources.flatMap(fileFieldsOf)[0];
  if (!f) return {};
  const { readOnly: _readOnly, ...schema } = f.type.jsonSchema(f);
  return { FileMetadata: schema };
}

/** `paths` entries of the file fields of `r`. */
export function filePaths(ctx: PathContext, r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = ctx.names.get(r.name)!.record;
  for (const f of fileFieldsOf(r)) {
    const base = { tag: r.name, r, flavour: 'Patch' as const };
    const thumbs = f.type.file!.thumbs(f).length ? [parameterRef(`${r.name}.${f.name}.thumb`)] : [];
    const get = (head: boolean) =>
      operation(ctx, {
        ...base,
        id: `${head ? 'head' : 'download'}${n}${f.name[0].toUpperCase()}${f.name.slice(1)}`,
        actions: ['read'],
        write: false,
        summary: `${head ? 'Headers of' : 'Download'} the ${f.name} of a record of ${r.name}`,
        description: 'Single byte ranges (`Range` → 206, beyond the end → 416), `If-None-Match` → 304.',
        parameters: [parameterRef('IfNoneMatch'), ...thumbs],
        success: {
          200: shared(ctx, 'FileContent', () => download(largest(ctx))),
          206: shared(ctx, 'FileContent', () => download(largest(ctx))),
          304: shared(ctx, 'NotModifiedRecord', () => res.notModified('record')),
        },
        errors: [400, 404, 416, 422],
      });
    const suffix = `${n}${f.name[0].toUpperCase()}${f.name.slice(1)}`;
    out[`/${r.name}/{id}/${f.name}`] = {
      parameters: [parameterRef(`${r.name}.id`)],
      get: get(false),
      head: get(true),
      put: operation(ctx, {
        ...base,
        id: `upload${suffix}`,
        actions: ['update'],
        write: true,
        summary: `Upload the ${f.name} of a record of ${r.name}`,
        description: `The raw bytes (any Content-Type; the type is detected from the content): ${limitsText(f)}. A name may come in Content-Disposition.`,
        parameters: [parameterRef('IfMatch')],
        body: { '*/*': { schema: binary(f.type.file!.maxSize(f)) } },
        success: {
          200: shared(ctx, 'FileStored', stored),
          201: shared(ctx, 'FileStored', stored),
        },
        errors: [...res.bodyStatuses, 404, 412, 507],
      }),
      delete: operation(ctx, {
        ...base,
        id: `delete${suffix}`,
        actions: ['update'],
        write: true,
        summary: `Delete the ${f.name} of a record of ${r.name}`,
        description: 'The field becomes null; a file no record references any more is removed.',
        parameters: [parameterRef('IfMatch')],
        success: { 204: shared(ctx, 'Deleted', res.deleted) },
        errors: [400, 404, 412],
      }),
      options: operation(ctx, {
        ...base,
        id: `options${suffix}`,
        actions: [],
        write: false,
        summary: `Methods of the ${f.name} of a record of ${r.name}`,
        description: 'Allow; CORS preflights are answered here too.',
        success: { 204: shared(ctx, 'OptionsPatch', () => res.options(ctx.model, 'Patch')) },
        errors: res.bodyStatuses,
      }),
    };
  }
  return out;
}
