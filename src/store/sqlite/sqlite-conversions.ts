/**
 * How SQLite converts a column's stored values from one storage kind to another (`verbo migrate`,
 * docs/migrations.md). A retyped column is rebuilt (STRICT tables fix each column's type), its
 * values copied through `expr`; `bad` finds the rows that cannot convert, checked first.
 * REGEXP is the function SqliteStore registers.
 */
import type { StorageKind } from '../../model/field-type.js';
import { CONVERTIBLE_TEXT, type Conversion } from '../schema/schema-sql.js';

const matches = (pattern: string) => (c: string) => `NOT (${c} REGEXP '${pattern}')`;
const same = (c: string) => c;

const CONVERSIONS: Record<string, Conversion> = {
  'text>integer': { bad: matches(CONVERTIBLE_TEXT.integer), expr: (c) => `CAST(${c} AS INTEGER)` },
  'text>real': { bad: matches(CONVERTIBLE_TEXT.real), expr: (c) => `CAST(${c} AS REAL)` },
  'text>boolean': { bad: (c) => `${c} NOT IN ('true', 'false')`, expr: (c) => `(${c} = 'true')` },
  'text>date': { bad: matches(CONVERTIBLE_TEXT.date), expr: same },
  'integer>real': { expr: (c) => `CAST(${c} AS REAL)` },
  'real>integer': { bad: (c) => `${c} <> CAST(${c} AS INTEGER)`, expr: (c) => `CAST(${c} AS INTEGER)` },
  'integer>boolean': { bad: (c) => `${c} NOT IN (0, 1)`, expr: same },
  'boolean>integer': { expr: same },
  'integer>text': { expr: (c) => `CAST(${c} AS TEXT)` },
  'real>text': { expr: (c) => `CAST(${c} AS TEXT)` },
  'boolean>text': { expr: (c) => `CASE ${c} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END` },
  'date>text': { expr: same },
  'datetime>text': { expr: same },
  'json>text': { expr: same },
};

export const sqliteConversion = (from: StorageKind, to: StorageKind): Conversion | undefined =>
  CONVERSIONS[`${from}>${to}`];

/** The REGEXP function SQLite calls for `x REGEXP pattern` (it has none of its own). */
export function regexpFunction(): (pattern: unknown, value: unknown) => number | null {
  const cache = new Map<string, RegExp>();
  return (pattern, value) => {
    if (value === null || value === undefined) return null;
    const re = cache.get(String(pattern)) ?? new RegExp(String(pattern));
    cache.set(String(pattern), re);
    return re.test(String(value)) ? 1 : 0;
  };
}
