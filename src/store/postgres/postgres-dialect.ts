/** PostgreSQL's answers to the shared SQL compiler, its column types, and the driver's value coding. */
import { fromIntegerText } from '../../model/exact-integer.js';
import type { StorageKind } from '../../model/field-type.js';
import { CHANGES_CHANNEL, type ChangeLogDialect } from '../changes/change-log-sql.js';
import { toLikePattern } from '../sql/sql-dialect.js';
import { pgAggregates } from './postgres-aggregates.js';
import { pgRowColumns, pgSearch } from './postgres-search.js';

/**
 * Column types. Text columns use the "C" collation: byte order like SQLite's BINARY, and ILIKE
 * folds ASCII only, like SQLite's lower(), whatever the database's default locale is.
 */
export const PG_TYPES: Record<StorageKind, string> = {
  text: 'text COLLATE "C"',
  integer: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
  date: 'date',
  datetime: 'timestamptz',
};

/** The same types as `format_type()` names them, to compare with a stored column. */
export const PG_TYPE_NAMES: Record<StorageKind, string> = {
  text: 'text',
  integer: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
  date: 'date',
  datetime: 'timestamp with time zone',
};

/** The element type of an array parameter compared with a column of each kind. */
export const ARRAY_TYPES: Record<StorageKind, string> = {
  text: 'text',
  integer: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
  date: 'date',
  datetime: 'timestamptz',
};

/** Dates and datetimes are matched as the API writes them (as SQLite stores them): `2024-05-01T10:00:00.000Z`. */
const LIKE_TEXT: Partial<Record<StorageKind, (column: string) => string>> = {
  date: (c) => `to_char(${c}, 'YYYY-MM-DD')`,
  datetime: (c) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Serialises the commit of change-log entries (seq order = commit order) and wakes the listeners. */
export const CHANGE_LOG_LOCK = 0x76657262;

export const pgDialect: ChangeLogDialect = {
  changeLogPrelude: `SELECT pg_advisory_xact_lock(${CHANGE_LOG_LOCK}), pg_notify('${CHANGES_CHANNEL}', '')`,
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  rowLocks: true,
  aggregates: pgAggregates,
  param: (n) => `$${n}`,
  search: pgSearch,
  rowColumns: pgRowColumns,
  encode(value, storage) {
    if (value === null || value === undefined) return null;
    // JSON goes as its text: the driver passes strings through to jsonb parameters unchanged.
    if (storage === 'json') return JSON.stringify(value);
    return value;
  },
  // A function takes at most 100 arguments (FUNC_MAX_ARGS): 50 fields. Cast to text, so the driver
  // hands the JSON over as the database wrote it.
  jsonObject: (pairs) => (pairs.length > 50 ? undefined : `json_build_object(${pairs.join(', ')})::text`),
  jsonNested: (subquery) => `(${subquery})::json`,
  jsonFile: (c, url) =>
    `CASE WHEN jsonb_typeof(${c}->'sha256') = 'string' THEN json_build_object(${[
      'name',
      'size',
      'type',
      'sha256',
    ]
      .map((k) => `'${k}', ${c}->'${k}'`)
      .join(', ')}, 'url', ${url}) END`,
  jsonValue(column, storage) {
    switch (storage) {
      // Beyond ±2^53 an integer is shown as its digits (model/exact-integer.ts).
      case 'integer':
        return `CASE WHEN ${column} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} THEN to_json(${column}) ELSE to_json(${column}::text) END`;
      case 'date':
      case 'datetime':
        return LIKE_TEXT[storage]!(column);
      default:
        // text, boolean and jsonb are JSON as they are; double precision is written in the
        // fewest digits that read back as the same double (extra_float_digits ≥ 1, the default).
        return column;
    }
  },
  like(column, param, pattern, caseInsensitive, storage) {
    const subject = LIKE_TEXT[storage]?.(column) ?? column;
    return {
      sql: `${subject} ${caseInsensitive ? 'ILIKE' : 'LIKE'} ${param} ESCAPE '\\'`,
      value: toLikePattern(pattern),
    };
  },
  arrayParam(column, param, storage, negate) {
    const arr = `${param}::${ARRAY_TYPES[storage]}[]`;
    // NULL rows match `nin`, as with SQLite's `col IS NULL OR col NOT IN (…)`.
    return negate ? `(${column} IS NULL OR ${column} <> ALL(${arr}))` : `${column} = ANY(${arr})`;
  },
};

/** An array literal (`{"a","b"}`): the driver sends strings as they are, so arrays need no type lookup. */
function arrayLiteral(xs: unknown[]): string {
  const items = xs.map((x) =>
    x === null || x === undefined ? 'NULL' : `"${String(x).replace(/[\\"]/g, '\\$&')}"`,
  );
  return `{${items.join(',')}}`;
}

/** Compiled values → driver parameters (arrays from `in`/`nin` become array literals). */
export function toPgParams(values: unknown[]): never[] {
  return values.map((v) => (Array.isArray(v) ? arrayLiteral(v) : v === undefined ? null : v)) as never[];
}

/** timestamptz text (the session runs in UTC) → ISO 8601 with milliseconds, like `toISOString()`. */
function parseTimestamptz(x: string): string {
  if (x.endsWith('+00') && x[10] === ' ') {
    if (x.length === 22) return `${x.slice(0, 10)}T${x.slice(11, 19)}.000Z`;
    if (x.length === 26) return `${x.slice(0, 10)}T${x.slice(11, 23)}Z`;
  }
  const d = new Date(x);
  return Number.isNaN(d.getTime()) ? x : d.toISOString();
}

const text = (x: unknown) => (x instanceof Date ? x.toISOString() : String(x));

/** Driver `types`: parse and serialize by OID once, so rows come back as API values with no per-row pass. */
export const pgDriverTypes = {
  // bigint → number when exact, else its digits (model/exact-integer.ts: a 64-bit id never loses any).
  bigint: { to: 20, from: [20], serialize: text, parse: fromIntegerText },
  json: { to: 3802, from: [114, 3802], serialize: text, parse: (x: string) => JSON.parse(x) as unknown },
  date: { to: 1082, from: [1082], serialize: text, parse: (x: string) => x },
  timestamptz: { to: 1184, from: [1184], serialize: text, parse: parseTimestamptz },
};
