/**
 * A list query whose rows come back as JSON text built by the database (PostgREST's approach): the
 * records exactly as http/respond/representation.ts shows them (its `toOutput`: the fields asked,
 * in their order, null when empty), so a list can be sent without making an object per row and
 * serialising it again. Only for dialects that can render every field's kind exactly
 * (`SqlDialect.jsonValue`); otherwise undefined and the caller reads rows.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { ListQuery } from '../query-types.js';
import { cachedExpression } from './expression-cache.js';
import { type CompiledSelect, compileSelect } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** The SQL expression of one record as a JSON object of `fields`, or undefined when it cannot be exact. */
export const jsonRecordExpression = cachedExpression(buildExpression, 256);

function buildExpression(d: SqlDialect, r: ResourceDef, fields: readonly string[]): string | undefined {
  if (!d.jsonObject || !d.jsonValue) return undefined;
  const parts: string[] = [];
  for (const name of fields) {
    const f = r.allFields.get(name);
    const value = f && (f.type.file ? fileValue(d, r, f.name) : d.jsonValue(d.quote(f.name), f.storage));
    if (value === undefined) return undefined;
    parts.push(`'${name.replace(/'/g, "''")}', ${value}`);
  }
  return d.jsonObject(parts);
}

/** A file field: its metadata and download URL, `{path}/{id}/{field}` as representation.ts writes it. */
export function fileValue(d: SqlDialect, r: ResourceDef, field: string): string | undefined {
  if (!d.jsonFile) return undefined;
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const url = `${literal(`${r.path ?? `/${r.name}`}/`)} || CAST(${d.quote('id')} AS TEXT) || ${literal(`/${field}`)}`;
  return d.jsonFile(d.quote(field), url);
}

/** The columns beside a record's JSON text that its ETag and Last-Modified read (http/plan/conditions.ts). */
export const JSON_RECORD_FACTS = ['id', '_version', 'createdAt', 'updatedAt'] as const;

/**
 * One record by id: its JSON text as `_json`, then JSON_RECORD_FACTS; undefined when the dialect
 * cannot render one of the fields exactly. Built once per resource and field list.
 */
export const compileGetJson = cachedExpression((d, r, fields) => {
  const expression = jsonRecordExpression(d, r, fields);
  if (!expression) return undefined;
  const facts = JSON_RECORD_FACTS.map((c) => d.quote(c)).join(', ');
  return `SELECT ${expression} AS "_json", ${facts} FROM ${d.quote(r.name)} WHERE id = ${d.param(1)}`;
}, 64);

/** compileSelect with the JSON text of each record as the only column. */
export function compileSelectJson(
  d: SqlDialect,
  r: ResourceDef,
  q: ListQuery,
  fields: readonly string[],
): CompiledSelect | undefined {
  const expression = jsonRecordExpression(d, r, fields);
  return expression ? compileSelect(d, r, q, `${expression} AS "_json"`) : undefined;
}
