/**
 * Builds a `FieldType` from what a module states, filling what follows from its storage kind alone
 * (the output schema, the filter operators, the values a cursor may carry). A module overrides any
 * of these; `docs/architecture.md` ("Adding a field type") walks through one.
 */
import { parseExactInteger } from '../exact-integer.js';
import type { FieldType, JsonSchema, ParsedValue } from '../field-type.js';
import type { FieldDef } from '../model-types.js';

type Defaults =
  | 'outputSchema'
  | 'querySchema'
  | 'refuseOperator'
  | 'sortable'
  | 'isStoredValue'
  | 'example'
  | 'messageKeys'
  | 'fromText'
  | 'toText';

export type FieldTypeSpec = Omit<FieldType, Defaults> & Partial<Pick<FieldType, Defaults>>;

const OUTPUT: Record<FieldDef['storage'], JsonSchema> = {
  integer: { type: ['integer', 'string', 'null'] },
  real: { type: ['number', 'null'] },
  boolean: { type: ['boolean', 'null'] },
  text: { type: ['string', 'null'] },
  date: { type: ['string', 'null'] },
  datetime: { type: ['string', 'null'] },
  json: {},
};

/** Storage kinds whose values are text to a pattern match (`like`, `ilike`). */
const LIKE_KINDS = new Set<FieldDef['storage']>(['text', 'date', 'datetime']);

/** A sort value as the store binds it: integers in their exact API form (model/exact-integer.ts). */
function storedValueOfKind(storage: FieldDef['storage'], v: unknown): boolean {
  if (storage === 'integer')
    return (
      Number.isSafeInteger(v) ||
      (typeof v === 'string' && parseExactInteger(v).ok && !Number.isSafeInteger(Number(v)))
    );
  if (storage === 'real') return typeof v === 'number' && Number.isFinite(v);
  if (storage === 'boolean') return typeof v === 'boolean';
  if (storage === 'text') return typeof v === 'string';
  return false;
}

/** A CSV cell of a kind kept as text stays text; numbers and booleans parse as a filter value does. */
const TEXT_KINDS = new Set<FieldDef['storage']>(['text', 'date', 'datetime']);

function jsonFromText(raw: string): ParsedValue {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, expected: 'JSON text' };
  }
}

export function defineFieldType(spec: FieldTypeSpec): FieldType {
  const parseQuery = spec.parseQuery;
  return {
    fromText: (raw, f) =>
      f.storage === 'json'
        ? jsonFromText(raw)
        : TEXT_KINDS.has(f.storage)
          ? { ok: true, value: raw }
          : parseQuery(raw, f),
    toText: (v, f) => (f.storage === 'json' ? JSON.stringify(v) : String(v)),
    outputSchema: (f) => ({ ...OUTPUT[f.storage] }),
    querySchema: () => ({ type: 'string' }),
    refuseOperator: (op, f) =>
      (op === 'like' || op === 'ilike') && !LIKE_KINDS.has(f.storage)
        ? `${op} works on text fields only`
        : undefined,
    sortable: true,
    isStoredValue: (v, f) => storedValueOfKind(f.storage, v),
    example: () => undefined,
    messageKeys: {},
    ...spec,
  };
}

/** Numeric option `name` of a field, or `fallback`. */
export const numberOption = (f: FieldDef, name: string, fallback: number): number =>
  typeof f.options[name] === 'number' ? (f.options[name] as number) : fallback;

/** `base` padded or cut to the field's minLength/maxLength. */
export function textOfLength(base: string, f: FieldDef): string {
  const min = numberOption(f, 'minLength', 0);
  const text = base.length < min ? base.padEnd(min, 'x') : base;
  return text.slice(0, numberOption(f, 'maxLength', Infinity));
}

/** `value` within the field's minimum/maximum. */
export const clampToRange = (value: number, f: FieldDef): number =>
  Math.min(Math.max(value, numberOption(f, 'minimum', -Infinity)), numberOption(f, 'maximum', Infinity));
