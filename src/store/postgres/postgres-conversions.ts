/**
 * How PostgreSQL converts a column's stored values from one storage kind to another (`verbo
 * migrate`, docs/migrations.md): `ALTER COLUMN … TYPE … USING expr`, after `bad` found no row that
 * cannot convert. The same conversions as SQLite's (sqlite/sqlite-conversions.ts).
 */
import type { StorageKind } from '../../model/field-type.js';
import { CONVERTIBLE_TEXT, type Conversion } from '../schema/schema-sql.js';

const matches = (pattern: string) => (c: string) => `${c} !~ '${pattern}'`;

const CONVERSIONS: Record<string, Conversion> = {
  'text>integer': { bad: matches(CONVERTIBLE_TEXT.integer), expr: (c) => `${c}::bigint` },
  'text>real': { bad: matches(CONVERTIBLE_TEXT.real), expr: (c) => `${c}::double precision` },
  'text>boolean': { bad: (c) => `${c} NOT IN ('true', 'false')`, expr: (c) => `${c}::boolean` },
  'text>date': { bad: matches(CONVERTIBLE_TEXT.date), expr: (c) => `${c}::date` },
  'integer>real': { expr: (c) => `${c}::double precision` },
  'real>integer': { bad: (c) => `${c} <> trunc(${c})`, expr: (c) => `${c}::bigint` },
  'integer>boolean': { bad: (c) => `${c} NOT IN (0, 1)`, expr: (c) => `${c} <> 0` },
  'boolean>integer': { expr: (c) => `${c}::int` },
  'integer>text': { expr: (c) => `${c}::text` },
  'real>text': { expr: (c) => `${c}::text` },
  'boolean>text': { expr: (c) => `${c}::text` },
  'date>text': { expr: (c) => `${c}::text` },
  'datetime>text': {
    expr: (c) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  },
  'json>text': { expr: (c) => `${c}::text` },
};

export const pgConversion = (from: StorageKind, to: StorageKind): Conversion | undefined =>
  CONVERSIONS[`${from}>${to}`];
