/** SQLite's answers to the shared SQL compiler, and its column types. */
import { fromBigInt } from '../../model/exact-integer.js';
import type { StorageKind } from '../../model/field-type.js';
import { type SqlDialect, toLikePattern } from '../sql/sql-dialect.js';
import { sqliteAggregates } from './sqlite-aggregates.js';
import { sqliteSearch } from './sqlite-search.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export const SQLITE_TYPES: Record<StorageKind, string> = {
  text: 'TEXT',
  integer: 'INTEGER',
  real: 'REAL',
  boolean: 'INTEGER',
  json: 'TEXT',
  date: 'TEXT',
  datetime: 'TEXT',
};

/** GLOB is case-sensitive and uses `*`, like the API; only `?` and `[` need escaping. */
function toGlob(pattern: string): string {
  return pattern.replace(/[?[]/g, (c) => `[${c}]`);
}

/** A text that must be quoted in CSV: it holds a comma, a quote, CR or LF. */
const CSV_SPECIAL = `('*[",' || char(13, 10) || ']*')`;
/** A CSV cell in quotes, its quotes doubled (NULL stays NULL). */
const quoted = (text: string) => `'"' || replace(${text}, '"', '""') || '"'`;

export const sqliteDialect: SqlDialect = {
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  rowLocks: false,
  aggregates: sqliteAggregates,
  param: () => '?',
  literalLimit: true,
  search: sqliteSearch,
  encode(value, storage) {
    if (value === null || value === undefined) return null;
    if (storage === 'boolean') return value ? 1 : 0;
    if (storage === 'json') return JSON.stringify(value);
    // An integer beyond ±2^53 travels as its digits (model/exact-integer.ts); bound as a 64-bit integer.
    if (storage === 'integer' && typeof value === 'string') return BigInt(value);
    return value;
  },
  // SQLite's default limit on a function's arguments is 1000: two per field.
  jsonObject: (pairs) => (pairs.length > 400 ? undefined : `json_object(${pairs.join(', ')})`),
  // A subquery's value is plain text to json_object (the JSON subtype does not cross it): json() restores it.
  jsonNested: (subquery) => `json(${subquery})`,
  jsonFile: (c, url) =>
    `CASE WHEN json_type(${c}, '$.sha256') = 'text' THEN json_object(${['name', 'size', 'type', 'sha256']
      .map((k) => `'${k}', json_extract(${c}, '$.${k}')`)
      .join(', ')}, 'url', ${url}) END`,
  jsonValue(column, storage) {
    switch (storage) {
      // Beyond ±2^53 an integer is shown as its digits (model/exact-integer.ts), as rowDecoder does.
      case 'integer':
        return `CASE WHEN ${column} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} THEN ${column} ELSE CAST(${column} AS TEXT) END`;
      case 'boolean':
        return `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} = 1 THEN json('true') ELSE json('false') END`;
      case 'json':
        return `json(${column})`;
      default:
        // Text, dates and datetimes are stored as the API shows them; SQLite writes a REAL with the digits
        // that read back as the same double (test/store/json-select.test.ts holds it to that).
        return column;
    }
  },
  csvCell(column, storage) {
    switch (storage) {
      case 'text':
        return `CASE WHEN ${column} IS NULL THEN '' WHEN ${column} = '' THEN '""' WHEN ${column} GLOB ${CSV_SPECIAL} THEN ${quoted(column)} ELSE ${column} END`;
      // ISO dates and times: never empty, nothing to quote.
      case 'date':
      case 'datetime':
        return `COALESCE(${column}, '')`;
      // Every 64-bit integer as its digits: String(n) of the API's number, or its digit string beyond 2^53.
      case 'integer':
        return `COALESCE(CAST(${column} AS TEXT), '')`;
      case 'boolean':
        return `CASE ${column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE '' END`;
      // Stored as JSON.stringify wrote it, which is what the export writes (never empty).
      case 'json':
        return `CASE WHEN ${column} IS NULL THEN '' WHEN ${column} GLOB ${CSV_SPECIAL} THEN ${quoted(column)} ELSE ${column} END`;
      default:
        // A REAL's text is not always JavaScript's (100.0, 1.0e+20): those rows are formatted in JS.
        return undefined;
    }
  },
  csvQuoted: (text) => `COALESCE(${quoted(text)}, '')`,
  csvLine: (cells) => `${cells.join(" || ',' || ")} || char(13, 10)`,
  like(column, param, pattern, caseInsensitive) {
    if (caseInsensitive)
      return { sql: `lower(${column}) LIKE lower(${param}) ESCAPE '\\'`, value: toLikePattern(pattern) };
    return { sql: `${column} GLOB ${param}`, value: toGlob(pattern) };
  },
};

/**
 * Driver value → API value, compiled once per resource. Rows are read with safe integers (BigInt),
 * so 64-bit values keep their digits: integers become numbers when exact, else digit strings
 * (`fromBigInt`); booleans compare with 1n; JSON is parsed. Nothing else needs work.
 */
export function rowDecoder(
  fields: Iterable<{ name: string; storage: StorageKind }>,
): (row: Record<string, unknown>) => Record<string, unknown> {
  const ints: string[] = ['_version'];
  const bools: string[] = [];
  const jsons: string[] = [];
  for (const f of fields) {
    if (f.storage === 'integer') ints.push(f.name);
    else if (f.storage === 'boolean') bools.push(f.name);
    else if (f.storage === 'json') jsons.push(f.name);
  }
  return (row) => {
    for (const n of ints) {
      const v = row[n];
      if (typeof v === 'bigint') row[n] = fromBigInt(v);
    }
    for (const n of bools) {
      const v = row[n];
      if (v !== null) row[n] = v === 1n || v === 1;
    }
    for (const n of jsons) if (typeof row[n] === 'string') row[n] = JSON.parse(row[n] as string);
    return row;
  };
}
