/** A write the store refused (a unique key taken, a reference to nothing) as the problems of the envelope. */
import type { Problem } from '../errors/api-error.js';
import { MissingReference, UniqueViolation } from '../store/store-errors.js';

/** The problems a refused write reports, or undefined when `err` is not a refusal of the record's values. */
export function storeRefusalProblems(err: unknown): Problem[] | undefined {
  if (err instanceof UniqueViolation)
    return (err.fields.length ? err.fields : ['id']).map((f) => ({
      code: 'UNIQUE_VIOLATION' as const,
      internalMessage: `a record with this ${f} already exists`,
      pointer: `/${f}`,
      vars: { field: f },
    }));
  if (err instanceof MissingReference) {
    // Stores name the field (resolved from the model when the database does not say); should none
    // be known, the problem has no pointer and no blank in its message.
    const fields = err.fields.filter(Boolean);
    return (fields.length ? fields : [undefined]).map((f) => ({
      code: 'REFERENCE_NOT_FOUND' as const,
      internalMessage: `${f ?? 'a reference'} names a record that does not exist`,
      ...(f ? { pointer: `/${f}` } : {}),
      vars: { field: f ?? 'record' },
    }));
  }
  return undefined;
}
