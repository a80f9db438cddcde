/**
 * Every problem of a write at once (docs/errors.md): when a body fails validation, the reference
 * fields whose values are otherwise valid are looked up too, and those naming no record are
 * reported in the same 422 (REFERENCE_NOT_FOUND). Writes that pass validation are not slowed down:
 * the store's foreign keys enforce references, and when one refuses, the same lookup names every
 * missing reference (PostgreSQL reports only the first constraint it meets).
 */
import { ApiError, type Problem } from '../errors/api-error.js';
import type { Model, ResourceDef } from '../model/model-types.js';
import type { Store } from '../store/store.js';
import { MissingReference } from '../store/store-errors.js';
import { parseId } from './record-id.js';

const FIELD_CODES = new Set(['VALIDATION_FAILED', 'REFERENCE_NOT_FOUND']);

/** REFERENCE_NOT_FOUND for each reference field of `input` (not already flagged) that names no record. */
export async function missingReferences(
  store: Store,
  model: Model,
  r: ResourceDef,
  input: Record<string, unknown>,
  flagged: ReadonlySet<string | undefined> = new Set(),
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const f of r.fields) {
    const target = f.reference && model.byName.get(f.reference.resource);
    const value = Object.hasOwn(input, f.name) ? input[f.name] : undefined;
    if (!target || value === undefined || value === null || flagged.has(`/${f.name}`)) continue;
    const id =
      typeof value === 'string' || typeof value === 'number' ? parseId(target, String(value)) : undefined;
    if (id !== undefined && (await store.get(target, id))) continue;
    problems.push({
      code: 'REFERENCE_NOT_FOUND',
      internalMessage: `${f.name} names ${target.name}/${String(value)}, which does not exist`,
      pointer: `/${f.name}`,
      vars: { field: f.name },
    });
  }
  return problems;
}

/**
 * The error to answer for a failed write of `input`: a field-validation 422 or a store's
 * MissingReference, completed with every missing reference; any other error unchanged.
 */
export async function withReferenceProblems(
  store: Store,
  model: Model,
  r: ResourceDef,
  input: unknown,
  err: unknown,
): Promise<unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return err;
  const body = input as Record<string, unknown>;
  if (err instanceof MissingReference) {
    const found = await missingReferences(store, model, r, body, new Set());
    return found.length ? new ApiError(found) : err;
  }
  if (!(err instanceof ApiError) || err.status !== 422 || !err.problems.every((p) => FIELD_CODES.has(p.code)))
    return err;
  const found = await missingReferences(store, model, r, body, new Set(err.problems.map((p) => p.pointer)));
  return found.length ? new ApiError([...err.problems, ...found], err.headers) : err;
}
