/** What a SQL database tells the shared compiler: quoting, placeholders, value coding, LIKE. */
import type { StorageKind } from '../../model/field-type.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { AggregateDialect } from './aggregate-dialect.js';
import type { SearchDialect } from './search-sql.js';

export interface SqlDialect {
  quote(identifier: string): string;
  /** `SELECT … FOR UPDATE` locks a row (PostgreSQL); without it the transaction locks the database (SQLite). */
  rowLocks: boolean;
  /** Placeholder for the n-th bound value (1-based): `?` or `$n`. */
  param(n: number): string;
  /**
   * LIMIT is written as an integer literal, not bound (sql-compiler.ts#limitClause): SQLite plans
   * with a bound LIMIT's value and so prepares the statement again each time it is bound (measured:
   * about 25 µs for a list of records as JSON). Each limit value is then a statement of its own.
   */
  literalLimit?: boolean;
  /** JS API value → driver value. */
  encode(value: unknown, storage: StorageKind): unknown;
  /**
   * SQL for a `*`-wildcard pattern match; returns the condition and the bound pattern. `storage` is
   * the column's kind: like also applies to date and datetime columns, matched as their API text.
   */
  like(
    column: string,
    param: string,
    pattern: string,
    caseInsensitive: boolean,
    storage: StorageKind,
  ): { sql: string; value: string };
  /** SQL type for an `in` list bound as one array value, when the driver supports it (PostgreSQL: `= ANY($1)`). */
  arrayParam?(column: string, param: string, storage: StorageKind, negate: boolean): string;
  /**
   * A column as the JSON value the API shows for it (store/sql/json-select.ts), for databases that
   * can build a record's JSON text themselves; undefined for a kind it cannot render exactly.
   */
  jsonValue?(column: string, storage: StorageKind): string | undefined;
  /**
   * The JSON text of an object from `'key', value` pairs in that order (`json_object(…)`), or
   * undefined when the database cannot take that many arguments.
   */
  jsonObject?(pairs: string[]): string | undefined;
  /**
   * A file field's JSON as the API shows it (`{name, size, type, sha256, url}`, or null when it
   * holds no file) from its stored metadata `column` and the SQL expression of its download `url`.
   */
  jsonFile?(column: string, url: string): string;
  /** The JSON text a scalar subquery gives (a record's `jsonObject`, or NULL), as a JSON value inside another `jsonObject`. */
  jsonNested?(subquery: string): string;
  /**
   * A column as its CSV cell (store/sql/csv-select.ts): the text the export writes from the API value
   * (`FieldType.toText`), RFC 4180-quoted when it must be, `""` for empty text, nothing for null;
   * undefined for a kind it cannot render exactly (the export then formats rows itself).
   */
  csvCell?(column: string, storage: StorageKind): string | undefined;
  /** The cell of a text that always needs quotes (a file field's JSON), nothing for null. */
  csvQuoted?(text: string): string;
  /** One CSV line from its cells: joined by commas, CRLF at the end. */
  csvLine?(cells: string[]): string;
  /** Date buckets and the aggregate calls it spells its own way (docs/aggregates.md). */
  aggregates?: AggregateDialect;
  /** Full-text search over a resource's search index (docs/search.md), where the database has one. */
  search?: SearchDialect;
  /**
   * The columns of a record, where a table holds more than the model's (PostgreSQL's generated
   * search column): read instead of `*` by lists, reads by id and RETURNING. Undefined: `*`.
   */
  rowColumns?(resource: ResourceDef): string | undefined;
}

/** Escapes LIKE metacharacters with `\` and turns the API's `*` wildcard into `%`. */
export function toLikePattern(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '%';
    else if (ch === '%' || ch === '_' || ch === '\\') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}
