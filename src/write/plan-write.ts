/**
 * The write planner: checks a body for POST/PUT (or a patched record) against the resource and
 * returns the values to store. Below http so the CLI (seeds, users) writes through it too.
 */
import { ApiError, type Problem } from '../errors/api-error.js';
import type { ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';
import type { Row } from '../store/store.js';
import { guardFieldWrites } from './field-writes.js';
import { nulProblems } from './nul-characters.js';
import { parseId } from './record-id.js';
import type { RecordValidator } from './record-validator.js';

const readOnly = (field: string, why: string): Problem => ({
  code: 'VALIDATION_FAILED',
  internalMessage: `${field} is read-only: ${why}`,
  message: 'field.readOnly',
  vars: { field },
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

/**
 * The server-set fields of a resource (id, createdAt, updatedAt, ownerId…), found once per
 * definition (again should its fields change: the model build adds ownerId).
 */
const serverSets = new WeakMap<ResourceDef, { size: number; names: string[] }>();
function serverSetOf(r: ResourceDef): string[] {
  let known = serverSets.get(r);
  if (known?.size !== r.allFields.size) {
    known = {
      size: r.allFields.size,
      names: [...r.allFields.values()].filter((f) => f.system).map((f) => f.name),
    };
    serverSets.set(r, known);
  }
  return known.names;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (a != null && b != null && String(a) === String(b));

/**
 * Checks a body for POST/PUT (or a patched record) and returns the values to store: every
 * declared field, defaults filled, omitted optional fields null. Throws 422 listing every problem.
 */
export function planWrite(r: ResourceDef, validator: RecordValidator, body: unknown, mode: WriteMode): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.of('VALIDATION_FAILED', 'body must be a JSON object', {
      pointer: '',
      message: 'body.notObject',
    });
  }
  const input = body as Record<string, unknown>;
  const problems: Problem[] = [];
  // No prototype: a `__proto__` key becomes an own (unknown → 422) field instead of re-parenting this object.
  const declared: Record<string, unknown> = Object.create(null);
  // id, createdAt, updatedAt and ownerId (when the access rules give one) are checked apart.
  const serverSet = serverSetOf(r);
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
    } else if (idKindOf(r).assignedBy === 'store') {
      problems.push(readOnly('id', 'ids are assigned by the server'));
    } else {
      const id = typeof input.id === 'string' ? parseId(r, input.id) : undefined;
      if (id === undefined)
        problems.push({
          code: 'VALIDATION_FAILED',
          internalMessage: `id must be ${idKindOf(r).expected}`,
          message: 'id.invalid',
          pointer: '/id',
        });
      else values.id = id;
    }
  } else if (mode.kind === 'create' && mode.id === undefined && idKindOf(r).assignedBy === 'client') {
    problems.push({
      code: 'VALIDATION_FAILED',
      internalMessage: 'id is required: this resource uses client-chosen keys',
      message: 'field.required',
      vars: { field: 'id' },
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
  const current = mode.kind === 'replace' ? mode.current : undefined;
  const files = fileValues(r, declared, current, problems);
  guardFieldWrites(r, declared, current);
  problems.push(...validator.validate(r, declared), ...nulProblems(r, declared));
  if (problems.length) throw new ApiError(problems);
  for (const f of r.fields) {
    if (f.type.file) {
      values[f.name] = files[f.name];
      continue;
    }
    const v = Object.hasOwn(declared, f.name) ? declared[f.name] : undefined;
    if (v === undefined || v === null)
      values[f.name] =
        v === undefined && f.default !== undefined
          ? typeof f.default === 'object'
            ? structuredClone(f.default)
            : f.default
          : null;
    else values[f.name] = f.type.normalize ? f.type.normalize(v, f) : v;
  }
  return values;
}

/**
 * File fields are read-only in a JSON body (their bytes arrive apart): a body may leave them out or
 * repeat the stored value (a GET → PUT round trip); anything else is a 422. They keep what is stored.
 */
function fileValues(
  r: ResourceDef,
  declared: Record<string, unknown>,
  current: Row | undefined,
  problems: Problem[],
) {
  const out: Row = {};
  for (const f of r.fields) {
    const file = f.type.file;
    if (!file) continue;
    const stored = current?.[f.name] ?? null;
    out[f.name] = stored;
    if (!Object.hasOwn(declared, f.name)) continue;
    const sent = declared[f.name];
    delete declared[f.name];
    const same =
      sent === null
        ? stored === null
        : file.metaOf(sent)?.sha256 === file.metaOf(stored)?.sha256 && stored !== null;
    if (!same) problems.push(readOnly(f.name, 'files are uploaded to their own URL or as a multipart part'));
  }
  return out;
}
