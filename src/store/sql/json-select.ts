/**
 * A list query whose rows come back as JSON text built by the database (PostgREST's approach): the
 * records exactly as http/respond/representation.ts shows them (its `toOutput`: the fields asked,
 * in their order, null when empty), so a list can be sent without making an object per row and
 * serialising it again. Only for dialects that can render every field's kind exactly
 * (`SqlDialect.jsonValue`); otherwise undefined and the caller reads rows.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { JsonEmbed, ListQuery } from '../query-types.js';
import { cachedExpression, shapeCache } from './expression-cache.js';
import { type CompiledSelect, compileSelect } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** The SQL expression of one record as a JSON object of `fields`, or undefined when it cannot be exact. */
export const jsonRecordExpression = cachedExpression(buildExpression, 256);

function buildExpression(d: SqlDialect, r: ResourceDef, fields: readonly string[]): string | undefined {
  const pairs = recordPairs(d, r, fields);
  return pairs && d.jsonObject?.(pairs);
}

/** The `'name', value` pairs of a record's JSON object, or undefined when a value cannot be exact. */
function recordPairs(d: SqlDialect, r: ResourceDef, fields: readonly string[]): string[] | undefined {
  if (!d.jsonObject || !d.jsonValue) return undefined;
  const parts: string[] = [];
  for (const name of fields) {
    const f = r.allFields.get(name);
    const value = f && (f.type.file ? fileValue(d, r, f.name) : d.jsonValue(d.quote(f.name), f.storage));
    if (value === undefined) return undefined;
    parts.push(`${literal(name)}, ${value}`);
  }
  return parts;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

const embeddingShapes = shapeCache<string | undefined>(64);

/**
 * A record's JSON object with to-one relations inside it (`embed=customer`, http/query/embed.ts):
 * after the fields (or in place of the field of the same name), each relation under its name, the related record as JSON of its fields (or null)
 * from a correlated subquery over an alias of its table (a resource may refer to itself).
 */
function embeddingExpression(
  d: SqlDialect,
  r: ResourceDef,
  fields: readonly string[],
  embeds: readonly JsonEmbed[],
): string | undefined {
  if (!embeds.length) return jsonRecordExpression(d, r, fields);
  const key = `${fields.join(',')}|${embeds.map((e) => `${e.name}:${e.fields.join(',')}`).join('|')}`;
  return embeddingShapes(d, r, key, () => {
    const pairs = recordPairs(d, r, fields);
    if (!pairs || !d.jsonNested) return undefined;
    for (const [i, e] of embeds.entries()) {
      const inner = jsonRecordExpression(d, e.target, e.fields);
      if (!inner) return undefined;
      const alias = d.quote(`_embed${i}`);
      const subquery = `SELECT ${inner} FROM ${d.quote(e.target.name)} AS ${alias} WHERE ${alias}.${d.quote('id')} = ${d.quote(r.name)}.${d.quote(e.field)}`;
      // A relation named as one of the fields takes its place (embed.ts sets the same key).
      const pair = `${literal(e.name)}, ${d.jsonNested(`(${subquery})`)}`;
      const at = fields.indexOf(e.name);
      if (at >= 0) pairs[at] = pair;
      else pairs.push(pair);
    }
    return d.jsonObject?.(pairs);
  });
}

/** A file field: its metadata and download URL, `{path}/{id}/{field}` as representation.ts writes it. */
export function fileValue(d: SqlDialect, r: ResourceDef, field: string): string | undefined {
  if (!d.jsonFile) return undefined;
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

/**
 * compileSelect with the JSON text of each record as the only column, to-one `embeds` inside it.
 * Undefined when a value cannot be exact, or when the rows come from a joined source (sorting by a
 * related value) an embed's subquery could not name.
 */
export function compileSelectJson(
  d: SqlDialect,
  r: ResourceDef,
  q: ListQuery,
  fields: readonly string[],
  embeds: readonly JsonEmbed[] = [],
): CompiledSelect | undefined {
  if (embeds.length && q.related?.length) return undefined;
  const expression = embeddingExpression(d, r, fields, embeds);
  return expression ? compileSelect(d, r, q, `${expression} AS "_json"`) : undefined;
}
