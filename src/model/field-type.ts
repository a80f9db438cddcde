/**
 * The contract every field type module fulfils. One module per type lives in
 * `field-types/`, and all of them are registered in `field-registry.ts`.
 */
import type { FieldDef } from './model-types.js';

/** How a value is kept in a database; each store dialect maps a kind to a column type. */
export type StorageKind = 'text' | 'integer' | 'real' | 'boolean' | 'json' | 'date' | 'datetime';

export type JsonSchema = Record<string, unknown>;

/** A parsed query-string value, or the reason it could not be parsed. */
export type ParsedValue = { ok: true; value: unknown } | { ok: false; expected: string };

export interface OptionProblem {
  /** Option name under the field, e.g. `maxLength`. */
  option: string;
  message: string;
}

export interface FieldType {
  readonly name: string;
  /** Options this type accepts besides the common ones (required, unique, default, index, description). */
  readonly options: readonly string[];
  readonly storage: StorageKind;
  /** Checks the type-specific options of a raw field declaration. */
  checkOptions(raw: Record<string, unknown>): OptionProblem[];
  /** JSON Schema (draft 2020-12 subset understood by Ajv) of a value of this field. */
  jsonSchema(field: FieldDef): JsonSchema;
  /** Parses one query-string value for filtering. */
  parseQuery(raw: string, field: FieldDef): ParsedValue;
  /** Canonical form of a valid input value before it is stored (e.g. datetimes in UTC). */
  normalize?(value: unknown): unknown;
}
