/**
 * INSERT, UPDATE, DELETE and the by-id reads for any SqlDialect, and the API → driver value coding
 * of a row. Identifiers come only from the model; values are always bound.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter } from '../query-types.js';
import type { Row } from '../store.js';
import { shapeCache } from './expression-cache.js';
import { compileWhere, Params } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** A record's columns: `*`, unless the table holds more than the model's (SqlDialect.rowColumns). */
const rowOf = (d: SqlDialect, r: ResourceDef): string => d.rowColumns?.(r) ?? '*';

/** `INSERT … RETURNING *` of the named columns, bound in that order. */
export function compileInsert(d: SqlDialect, r: ResourceDef, names: string[], returning = true): string {
  const params = names.map((_, i) => d.param(i + 1)).join(', ');
  return `INSERT INTO ${d.quote(r.name)} (${names.map(d.quote).join(', ')}) VALUES (${params})${returning ? ` RETURNING ${rowOf(d, r)}` : ''}`;
}

/** An INSERT of `rows` rows of the named columns, bound row after row (`RETURNING *` if asked). */
export function compileInsertMany(
  d: SqlDialect,
  r: ResourceDef,
  names: string[],
  rows: number,
  returning = false,
): string {
  let n = 0;
  const tuples = Array.from({ length: rows }, () => `(${names.map(() => d.param(++n)).join(', ')})`);
  return `INSERT INTO ${d.quote(r.name)} (${names.map(d.quote).join(', ')}) VALUES ${tuples.join(', ')}${returning ? ` RETURNING ${rowOf(d, r)}` : ''}`;
}

/**
 * A run of rows cut into statements of 2^k rows (at most `most`, and as many as `maxParams`
 * allows), so a shape has a handful of statement texts to prepare: the sizes, in order.
 */
export function statementSizes(rows: number, columns: number, most: number, maxParams: number): number[] {
  const cap = Math.min(most, 2 ** Math.floor(Math.log2(Math.max(1, maxParams / columns))));
  const sizes: number[] = [];
  for (let left = rows; left > 0; ) {
    let k = cap;
    while (k > left) k >>= 1;
    sizes.push(k);
    left -= k;
  }
  return sizes;
}

/**
 * The declared fields whose stored value `values` changes from `current` (compared as the driver
 * binds them). An UPDATE sets only those, so the indexes and triggers (a search index) of the
 * others are left alone: a PATCH of one field rewrites one field.
 */
export function changedFields(d: SqlDialect, r: ResourceDef, current: Row, values: Row): string[] {
  const changed: string[] = [];
  for (const f of r.fields) {
    if (d.encode(values[f.name] ?? null, f.storage) !== d.encode(current[f.name] ?? null, f.storage))
      changed.push(f.name);
  }
  return changed;
}

const updates = shapeCache<{ sql: string; names: string[] }>(256);

/**
 * The UPDATE of a replace or patch: `fields` (changedFields), updatedAt and _version, bound in
 * `names` order, then the id. `guarded`: written only while the row is still at the version it was
 * read at, bound last (it updates no row when another write came first). Built once per resource,
 * field list and guard.
 */
export function compileUpdate(
  d: SqlDialect,
  r: ResourceDef,
  fields: readonly string[],
  guarded = false,
): { sql: string; names: string[] } {
  return updates(d, r, `${fields.join(',')}|${guarded}`, () => {
    const names = [...fields, 'updatedAt', '_version'];
    const sets = names.map((n, i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(', ');
    const guard = guarded ? ` AND ${d.quote('_version')} = ${d.param(names.length + 2)}` : '';
    return {
      sql: `UPDATE ${d.quote(r.name)} SET ${sets} WHERE id = ${d.param(names.length + 1)}${guard} RETURNING ${rowOf(d, r)}`,
      names,
    };
  });
}

/** One row by id; `lock` takes a row lock where the dialect has them (`rowLocks`). */
export function compileGetById(d: SqlDialect, r: ResourceDef, lock = false): string {
  return `SELECT ${rowOf(d, r)} FROM ${d.quote(r.name)} WHERE id = ${d.param(1)}${lock && d.rowLocks ? ' FOR UPDATE' : ''}`;
}

export function compileDeleteById(d: SqlDialect, r: ResourceDef): string {
  return `DELETE FROM ${d.quote(r.name)} WHERE id = ${d.param(1)}`;
}

export function compileDeleteWhere(
  d: SqlDialect,
  r: ResourceDef,
  where: Filter[],
): { sql: string; values: unknown[] } {
  const p = new Params(d);
  const cond = compileWhere(d, r, where, p);
  return { sql: `DELETE FROM ${d.quote(r.name)}${cond ? ` WHERE ${cond}` : ''}`, values: p.values };
}

/** The row's values for `names`, as the driver binds them. */
export function encodeValues(d: SqlDialect, r: ResourceDef, row: Row, names: string[]): unknown[] {
  return names.map((n) => {
    const f = r.allFields.get(n);
    return f ? d.encode(row[n], f.storage) : (row[n] ?? null);
  });
}

/** The values of `rows` for `names`, row after row, as the driver binds them (a multi-row INSERT). */
export function encodeRows(d: SqlDialect, r: ResourceDef, rows: Row[], names: string[]): unknown[] {
  const fields = names.map((n) => r.allFields.get(n));
  const values: unknown[] = new Array(rows.length * names.length);
  let v = 0;
  for (const row of rows)
    for (let c = 0; c < names.length; c++) {
      const f = fields[c];
      const x = row[names[c]];
      values[v++] = f ? d.encode(x, f.storage) : (x ?? null);
    }
  return values;
}
