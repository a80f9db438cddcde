/**
 * Compiles the neutral AggregateQuery into one SELECT … GROUP BY … HAVING … ORDER BY … LIMIT for
 * any SqlDialect with aggregate hooks (docs/aggregates.md). Identifiers come only from the model
 * (group and aggregate keys are built from field names), values are always bound. Each result
 * column is decoded to its API value with the one rule for integers (model/exact-integer.ts).
 */
import { fromBigInt, fromIntegerText } from '../../model/exact-integer.js';
import type { StorageKind } from '../../model/field-type.js';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import type { AggregateQuery, AggregateTerm, HavingFilter } from '../aggregate-query.js';
import type { AggregateDialect } from './aggregate-dialect.js';
import { compileWhere, limitClause, Params } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

const COMPARE: Record<string, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const STANDARD: Record<AggregateTerm['fn'], string> = {
  count: 'COUNT',
  countDistinct: 'COUNT',
  sum: 'SUM',
  avg: 'AVG',
  min: 'MIN',
  max: 'MAX',
};

type Decode = (v: unknown) => unknown;

/** Integers as numbers when exact, else digit strings: BigInt (SQLite), numeric text (PostgreSQL's sums). */
const exactInteger: Decode = (v) =>
  typeof v === 'bigint' ? fromBigInt(v) : typeof v === 'string' ? fromIntegerText(v) : v;
const number: Decode = (v) => (v === null || v === undefined ? null : Number(v));
const DECODERS: Partial<Record<StorageKind, Decode>> = {
  integer: exactInteger,
  real: number,
  boolean: (v) => (v === null || v === undefined ? null : v === true || v === 1 || v === 1n),
};
const asIs: Decode = (v) => v;

/** The storage kind of an aggregate's value: how it is decoded, and how a having value is bound. */
export function resultStorage(r: ResourceDef, t: AggregateTerm): StorageKind {
  if (t.fn === 'count' || t.fn === 'countDistinct') return 'integer';
  if (t.fn === 'avg') return 'real';
  return fieldOf(r, t.field!).storage;
}

function fieldOf(r: ResourceDef, name: string): FieldDef {
  const f = r.allFields.get(name);
  if (!f) throw new Error(`unknown field ${r.name}.${name}`);
  return f;
}

function aggregateSql(d: SqlDialect, a: AggregateDialect, r: ResourceDef, t: AggregateTerm): string {
  if (!t.field) return 'COUNT(*)';
  const f = fieldOf(r, t.field);
  const col = d.quote(f.name);
  const own = a.call?.(t.fn, col, f.storage);
  if (own) return own;
  return `${STANDARD[t.fn]}(${t.fn === 'countDistinct' ? 'DISTINCT ' : ''}${col})`;
}

export interface CompiledAggregate {
  sql: string;
  values: unknown[];
  /** A result row (keyed by result keys) → its API values, in place. */
  decode(row: Record<string, unknown>): Record<string, unknown>;
}

/**
 * An integer sum past the 64-bit range, where a database's SUM overflows (SQLite throws): the sums
 * of the high and the low 32 bits of each value, added exactly here. Compared (having, sort) as a
 * double; the value itself is exact.
 */
function wideSum(d: SqlDialect, key: string, col: string) {
  const [hi, lo] = [`SUM(${col} >> 32)`, `SUM(${col} & 4294967295)`];
  const [hiKey, loKey] = [`${key}__hi`, `${key}__lo`];
  return {
    sql: `(${hi} * 4294967296.0 + ${lo})`,
    extra: `, ${hi} AS ${d.quote(hiKey)}, ${lo} AS ${d.quote(loKey)}`,
    decode(row: Record<string, unknown>): unknown {
      const [h, l] = [row[hiKey], row[loKey]];
      delete row[hiKey];
      delete row[loKey];
      if (h === null || h === undefined) return null;
      return fromIntegerText((BigInt(h as bigint) * 4294967296n + BigInt(l as bigint)).toString());
    },
  };
}

interface Column {
  key: string;
  sql: string;
  decode: Decode;
  wide?: ReturnType<typeof wideSum>;
}

/**
 * `wideSums`: integer sums as two sums of 32-bit halves, for a database whose SUM overflows past
 * the 64-bit range (SQLite throws "integer overflow"; its store compiles again with it).
 */
export function compileAggregate(
  d: SqlDialect,
  r: ResourceDef,
  q: AggregateQuery,
  wideSums = false,
): CompiledAggregate {
  const a = d.aggregates;
  if (!a) throw new Error('this database has no aggregates');
  const p = new Params(d);
  const groups = q.groupBy.map((g): Column => {
    const f = fieldOf(r, g.field);
    const col = d.quote(f.name);
    const bucket = g.unit && (f.storage === 'date' || f.storage === 'datetime');
    return {
      key: g.field,
      sql: bucket ? a.dateBucket(col, f.storage as 'date' | 'datetime', g.unit!) : col,
      decode: bucket ? asIs : (DECODERS[f.storage] ?? asIs),
    };
  });
  const aggregates = new Map(
    q.aggregates.map((t) => {
      const storage = resultStorage(r, t);
      const wide =
        wideSums && t.fn === 'sum' && storage === 'integer'
          ? wideSum(d, t.key, d.quote(t.field!))
          : undefined;
      const decode = t.fn === 'count' || t.fn === 'countDistinct' ? number : (DECODERS[storage] ?? asIs);
      return [t.key, { key: t.key, sql: wide ? wide.sql : aggregateSql(d, a, r, t), decode, storage, wide }];
    }),
  );
  const columns: Column[] = [...groups, ...aggregates.values()];
  const selected = columns.map((c) => `${c.sql} AS ${d.quote(c.key)}${c.wide?.extra ?? ''}`);
  let sql = `SELECT ${selected.join(', ')} FROM ${d.quote(r.name)}`;
  const where = compileWhere(d, r, q.where, p);
  if (where) sql += ` WHERE ${where}`;
  if (groups.length) sql += ` GROUP BY ${groups.map((g) => g.sql).join(', ')}`;
  const having = (h: HavingFilter) => {
    const agg = aggregates.get(h.key);
    if (!agg) throw new Error(`having names ${h.key}, which is not aggregated`);
    const value = p.add(d.encode(h.value, agg.storage));
    return h.op === 'ne'
      ? `(${agg.sql} IS NULL OR ${agg.sql} <> ${value})`
      : `${agg.sql} ${COMPARE[h.op]} ${value}`;
  };
  if (q.having.length) sql += ` HAVING ${q.having.map(having).join(' AND ')}`;
  // NULL is the smallest value, as in lists (sql-compiler.ts#compileOrder); output names, never input columns.
  const order = q.sort.map((s) => `${d.quote(s.key)} ${s.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`);
  if (order.length) sql += ` ORDER BY ${order.join(', ')}`;
  sql += limitClause(d, p, q.limit);
  if (q.offset) sql += ` OFFSET ${p.add(q.offset)}`;
  const decode = (row: Record<string, unknown>) => {
    for (const c of columns) row[c.key] = c.wide ? c.wide.decode(row) : c.decode(row[c.key] ?? null);
    return row;
  };
  return { sql, values: p.values, decode };
}
