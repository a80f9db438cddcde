/** Moving records between HTTP and the store: ids from URLs, write plans from bodies, output shape. */
import { parseExactInteger } from '../../model/exact-integer.js';
import { isUuid } from '../../model/field-types/uuid-field.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import { ApiError, type Problem } from '../errors/api-error.js';
import type { RecordValidator } from '../validation/record-validator.js';

const STRING_ID = /^[A-Za-z0-9._~-]{1,200}$/;

/**
 * The id in a URL, typed; undefined when it cannot name any record (→ 404). An integer id is a
 * number, or beyond 2^53 its digits as a string (model/exact-integer.ts), never a rounded number.
 */
export function parseId(r: ResourceDef, raw: string): unknown {
  if (r.idType === 'integer') {
    const p = parseExactInteger(raw);
    if (!p.ok) return undefined;
    return (typeof p.value === 'number' ? p.value > 0 : p.value[0] !== '-') ? p.value : undefined;
  }
  if (r.idType === 'uuid') return isUuid(raw) ? raw.toLowerCase() : undefined;
  return STRING_ID.test(raw) ? raw : undefined;
}

export function notFound(r: ResourceDef, id: unknown): ApiError {
  return ApiError.of('RECORD_NOT_FOUND', `${r.name}/${String(id)} does not exist`);
}

/** The API representation: every field in model order, optionally narrowed to `fields`. */
export function toOutput(r: ResourceDef, row: Row, fields?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (fields) {
    for (const name of fields) out[name] = row[name] ?? null;
    return out;
  }
  for (const name of r.allFields.keys()) out[name] = row[name] ?? null;
  return out;
}

const readOnly = (field: string, why: string): Problem => ({
  code: 'VALIDATION_FAILED',
  internalMessage: `${field} is read-only: ${why}`,
  userMessage: {
    en: `The field “${field}” cannot be changed.`,
    es: `El campo «${field}» no se puede modificar.`,
  },
  pointer: `/${field}`,
});

export type WriteMode =
  | { kind: 'create' /** id fixed by the URL (PUT that creates) */; id?: unknown }
  | {
      kind: 'replace';
      id: unknown;
      current: Row /** the body is a patched record: system fields must stay */;
      patch?: boolean;
    };

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (a != null && b != null && String(a) === String(b));

/** Where `value` holds U+0000 in a string or an object key (a JSON Pointer below `at`), or undefined. */
function findNul(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const path = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const found = key.includes('\0') ? path : findNul(item, path);
    if (found) return found;
  }
  return undefined;
}

/** PostgreSQL refuses U+0000 in text and jsonb, so every store refuses it alike: one problem per field. */
function nulProblems(r: ResourceDef, declared: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const f of r.fields) {
    const pointer = Object.hasOwn(declared, f.name) ? findNul(declared[f.name], `/${f.name}`) : undefined;
    if (!pointer) continue;
    problems.push({
      code: 'VALIDATION_FAILED',
      internalMessage: `${pointer} contains the NUL character (U+0000), which cannot be stored`,
      userMessage: {
        en: `The field “${f.name}” contains a character that is not allowed (U+0000).`,
        es: `El campo «${f.name}» contiene un carácter no permitido (U+0000).`,
      },
      pointer,
    });
  }
  return problems;
}

/**
 * Checks a body for POST/PUT (or a patched record) and returns the values to store: every
 * declared field, defaults filled, omitted optional fields null. Throws 422 listing every problem.
 */
export function planWrite(r: ResourceDef, validator: RecordValidator, body: unknown, mode: WriteMode): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.of('VALIDATION_FAILED', 'body must be a JSON object', {
      pointer: '',
      userMessage: { en: 'The data must be a JSON object.', es: 'Los datos deben ser un objeto JSON.' },
    });
  }
  const input = body as Record<string, unknown>;
  const problems: Problem[] = [];
  // No prototype: a `__proto__` key becomes an own (unknown → 422) field instead of re-parenting this object.
  const declared: Record<string, unknown> = Object.create(null);
  // id, createdAt, updatedAt and ownerId (when the access rules give one) are checked apart.
  const serverSet = [...r.allFields.values()].filter((f) => f.system).map((f) => f.name);
  for (const key of Object.keys(input)) {
    if (!serverSet.includes(key)) declared[key] = input[key];
  }
  const values: Row = {};
  if (Object.hasOwn(input, 'id')) {
    const urlId = mode.id;
    if (urlId !== undefined) {
      if (!sameValue(input.id, urlId))
        problems.push({
          ...readOnly('id', 'it differs from the id in the URL'),
          internalMessage: `id in the body (${JSON.stringify(input.id)}) differs from the id in the URL (${String(urlId)})`,
        });
    } else if (r.idType === 'integer') {
      problems.push(readOnly('id', 'ids are assigned by the server'));
    } else {
      const id = typeof input.id === 'string' ? parseId(r, input.id) : undefined;
      if (id === undefined)
        problems.push({
          code: 'VALIDATION_FAILED',
          internalMessage: `id must be a valid ${r.idType === 'uuid' ? 'UUID' : 'key ([A-Za-z0-9._~-], 1..200)'}`,
          userMessage: { en: 'The id is not valid.', es: 'El identificador no es válido.' },
          pointer: '/id',
        });
      else values.id = id;
    }
  } else if (mode.kind === 'create' && mode.id === undefined && r.idType === 'string') {
    problems.push({
      code: 'VALIDATION_FAILED',
      internalMessage: 'id is required: this resource uses client-chosen keys',
      userMessage: { en: 'The field “id” is required.', es: 'El campo «id» es obligatorio.' },
      pointer: '/id',
    });
  }
  if (mode.kind === 'replace' && mode.patch) {
    for (const sys of serverSet) {
      if (!Object.hasOwn(input, sys)) problems.push(readOnly(sys, 'the patch removes it'));
    }
  }
  for (const ts of serverSet) {
    if (ts === 'id' || !Object.hasOwn(input, ts)) continue;
    if (mode.kind !== 'replace' || !sameValue(input[ts], mode.current[ts]))
      problems.push(readOnly(ts, 'it is set by the server'));
  }
  problems.push(...validator.validate(r, declared), ...nulProblems(r, declared));
  if (problems.length) throw new ApiError(problems);
  for (const f of r.fields) {
    const v = Object.hasOwn(declared, f.name) ? declared[f.name] : undefined;
    if (v === undefined || v === null)
      values[f.name] = v === undefined && f.default !== undefined ? structuredClone(f.default) : null;
    else values[f.name] = f.type.normalize ? f.type.normalize(v) : v;
  }
  return values;
}
