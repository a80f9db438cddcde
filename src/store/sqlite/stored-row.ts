/**
 * The row a one-row INSERT stores, worked out from the values it binds: what `RETURNING *` would
 * read back, without asking SQLite for it (RETURNING costs about 15 µs an insert on the CRM
 * customers: SQLite collects the returned row in a table of its own first).
 *
 * Only where the stored form is certain: a STRICT table keeps a TEXT column's string, an INTEGER
 * column's integer (a bound double without a fraction becomes that integer) and a REAL column's
 * finite double exactly as bound. Anything else — a column the INSERT leaves to its DEFAULT
 * (bar a rowid id), a number in a TEXT column, a string SQLite would re-encode (NUL, a lone
 * surrogate), -0, a type other than these three — and the caller reads the row back with RETURNING.
 * The result is the driver's row (integers as BigInt, JSON as text): the store's decoder makes it
 * the API row, as it does a row read back.
 */
import type Database from 'better-sqlite3';

export interface StoredColumn {
  name: string;
  /** The declared type: TEXT, INTEGER or REAL in verbo's STRICT tables. */
  type: string | null;
  /** Index of the bound value, or -1: the rowid id, given by the insert. */
  bound: number;
}

/**
 * The columns of `returning` (an `INSERT … RETURNING *` binding `names` in order), or undefined
 * when one would take a value the row does not give (a DEFAULT).
 */
export function storedColumns(returning: Database.Statement, names: string[]): StoredColumn[] | undefined {
  const columns: StoredColumn[] = [];
  for (const c of returning.columns()) {
    const bound = names.indexOf(c.name);
    if (bound < 0 && !(c.name === 'id' && c.type === 'INTEGER')) return undefined;
    columns.push({ name: c.name, type: c.type, bound });
  }
  return columns;
}

const INT64_LIMIT = 2 ** 63;
/** No lone surrogate (SQLite would store U+FFFD): String.prototype.isWellFormed, not yet in the TypeScript lib. */
const wellFormed = (v: string): boolean => (v as string & { isWellFormed(): boolean }).isWellFormed();

/** `v` as the table keeps it in a column of `type`, or undefined when that is not certain. */
function stored(v: unknown, type: string | null): unknown {
  if (v === null) return null;
  switch (type) {
    case 'TEXT':
      return typeof v === 'string' && wellFormed(v) && !v.includes('\0') ? v : undefined;
    case 'INTEGER':
      if (typeof v === 'bigint') return v;
      return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < INT64_LIMIT && !Object.is(v, -0)
        ? BigInt(v)
        : undefined;
    case 'REAL':
      return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) ? v : undefined;
    default:
      return undefined;
  }
}

/**
 * The driver's row for `values` (bound in `names` order; the rowid id left undefined for the
 * caller to fill in from the insert), or undefined: read it back with RETURNING.
 */
export function storedRow(columns: StoredColumn[], values: unknown[]): Record<string, unknown> | undefined {
  const row: Record<string, unknown> = {};
  for (const c of columns) {
    if (c.bound < 0) {
      row[c.name] = undefined;
      continue;
    }
    const v = stored(values[c.bound], c.type);
    if (v === undefined) return undefined;
    row[c.name] = v;
  }
  return row;
}
