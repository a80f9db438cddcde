/**
 * `file`: the bytes live in the file storage (content-addressed), the record keeps their metadata
 * `{ name, size, type, sha256 }` and shows it with the download `url` (docs/files.md). Read-only in
 * JSON bodies: files arrive by `PUT /{r}/{id}/{field}` or as a multipart part.
 */
import type { FileKind, FileMeta, OptionProblem } from '../field-type.js';
import type { FieldDef } from '../model-types.js';
import { defineFieldType } from './define-field-type.js';

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i;
/** Without `maxSize`: 10 MB. */
export const DEFAULT_MAX_SIZE = 10 * 1024 ** 2;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;
const THUMB = /^(\d{1,4})x(\d{1,4})$/;

/** `5MB`, `512KB`, `1.5GB` or a number of bytes; undefined when it is none of those. */
export function parseSize(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw > 0 ? raw : undefined;
  const m = typeof raw === 'string' ? SIZE.exec(raw.trim()) : null;
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase()]);
  return bytes > 0 ? bytes : undefined;
}

const listOf = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function checkOptions(raw: Record<string, unknown>): OptionProblem[] {
  const out: OptionProblem[] = [];
  if (raw.maxSize !== undefined && parseSize(raw.maxSize) === undefined)
    out.push({
      option: 'maxSize',
      message: `must be a size such as 5MB, 512KB or a number of bytes, got ${JSON.stringify(raw.maxSize)}`,
    });
  for (const t of listOf(raw.accept))
    if (typeof t !== 'string' || !MEDIA_TYPE.test(t))
      out.push({
        option: 'accept',
        message: `must list media types (image/png, image/*), got ${JSON.stringify(t)}`,
      });
  for (const t of listOf(raw.thumbs)) {
    const m = typeof t === 'string' ? THUMB.exec(t) : null;
    if (!m || (m[1] === '0' && m[2] === '0'))
      out.push({
        option: 'thumbs',
        message: `must list sizes WxH such as 100x100 or 400x0, got ${JSON.stringify(t)}`,
      });
  }
  return out;
}

const isMeta = (v: unknown): v is FileMeta =>
  typeof v === 'object' && v !== null && typeof (v as FileMeta).sha256 === 'string';

const file: FileKind = {
  maxSize: (f: FieldDef) => parseSize(f.options.maxSize) ?? DEFAULT_MAX_SIZE,
  accepts(f, type) {
    const accept = listOf(f.options.accept) as string[];
    if (!accept.length) return true;
    const t = type.toLowerCase();
    return accept.some((a) => a.toLowerCase() === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))));
  },
  thumbs: (f) => listOf(f.options.thumbs) as string[],
  present(stored, url) {
    if (!isMeta(stored)) return null;
    return { name: stored.name, size: stored.size, type: stored.type, sha256: stored.sha256, url };
  },
  metaOf: (stored) => (isMeta(stored) ? stored : undefined),
};

const META_SCHEMA = {
  type: 'object',
  readOnly: true,
  description: 'File metadata (read-only here: upload with PUT /{resource}/{id}/{field} or multipart).',
  properties: {
    name: { type: 'string', maxLength: 1024 },
    size: { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    type: { type: 'string', maxLength: 255 },
    sha256: { type: 'string', minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' },
    url: { type: 'string', maxLength: 4096 },
  },
  required: ['name', 'size', 'type', 'sha256', 'url'],
};

export const fileField = defineFieldType({
  name: 'file',
  options: ['maxSize', 'accept', 'thumbs'],
  storage: 'json',
  checkOptions,
  jsonSchema: () => ({ ...META_SCHEMA }),
  outputSchema: () => ({
    anyOf: [
      { type: 'null' },
      { type: 'object', additionalProperties: true, properties: META_SCHEMA.properties },
    ],
  }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  refuseOperator: (op) => (op === 'null' ? undefined : 'file fields can be filtered with null only'),
  sortable: false,
  isStoredValue: () => false,
  example: () => undefined,
  file,
});
