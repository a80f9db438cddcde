/**
 * Query parameters of a collection (§6). A filter is one `deepObject` parameter per field, so
 * `status[ne]=lead&amount[gte]=10` is exactly how OpenAPI serializes `{ status: { ne: 'lead' } }`;
 * `status=lead` is the short form of `status[eq]=lead`.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import { QUERY_PARAMETERS } from '../model/query-parameters.js';
import { parameterRef } from './openapi-headers.js';
import { headString, int, MAX_HEAD_BYTES, MAX_IN_VALUES } from './openapi-limits.js';

/** Query names a GET never reads as filters (a field with such a name is filterable on DELETE only). */
export const RESERVED_QUERY: readonly string[] = QUERY_PARAMETERS;

/**
 * One filter value as the query string carries it, from the field's type (`querySchema`; the
 * field's own limits are not applied to filters), bounded as OpenAPI wants: integers with a format,
 * strings by the request head.
 */
function valueSchema(f: FieldDef): JsonSchema {
  const bound = (s: JsonSchema): JsonSchema => {
    const out: JsonSchema = { ...s };
    if (Array.isArray(out.anyOf)) out.anyOf = (out.anyOf as JsonSchema[]).map(bound);
    if (out.type === 'integer') {
      const { type: _type, format: _format, minimum, maximum, ...rest } = out;
      return int(minimum as number, maximum as number, rest);
    }
    if (out.type === 'string' && out.maxLength === undefined && out.enum === undefined)
      return headString(out);
    return out;
  };
  return bound(f.type.querySchema(f));
}

function filterSchema(f: FieldDef): JsonSchema {
  const v = valueSchema(f);
  const list = headString({ description: `Comma-separated values, at most ${MAX_IN_VALUES}.` });
  const candidates: Record<string, JsonSchema> = {
    eq: { ...v, description: 'Equals (the same as the plain `name=value`).' },
    ne: { ...v, description: 'Differs.' },
    gt: { ...v, description: 'Greater than.' },
    gte: { ...v, description: 'Greater than or equal.' },
    lt: { ...v, description: 'Less than.' },
    lte: { ...v, description: 'Less than or equal.' },
    in: { ...list, description: `One of these comma-separated values (at most ${MAX_IN_VALUES}).` },
    nin: { ...list, description: `None of these comma-separated values (at most ${MAX_IN_VALUES}).` },
    like: headString({ description: 'Matches a pattern where `*` stands for any text (case-sensitive).' }),
    ilike: headString({ description: 'Like `like`, ignoring case.' }),
    null: { type: 'boolean', description: '`true`: the field is null; `false`: it is not.' },
  };
  // The operators the field's type accepts (the filter parser asks the same question).
  const properties = Object.fromEntries(
    Object.entries(candidates).filter(([op]) => f.type.refuseOperator(op, f) === undefined),
  );
  return { type: 'object', properties, additionalProperties: false };
}

const filterKey = (r: ResourceDef, f: FieldDef) => `${r.name}.filter.${f.name}`;
const alternation = (names: string[]) => `(${names.join('|')})`;

/** `components.parameters` of one resource: a filter per field, and sort/fields/embed. */
export function resourceParameters(r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of r.allFields.values()) {
    out[filterKey(r, f)] = {
      name: f.name,
      in: 'query',
      required: false,
      style: 'deepObject',
      explode: true,
      description: `Filter on \`${f.name}\`: \`${f.name}=value\` (equals) or \`${f.name}[op]=value\`; several filters are ANDed. An unknown field, operator or a value of the wrong type → 400 naming the parameter.`,
      schema: filterSchema(f),
      // No filter unless asked: keeps interactive docs from pre-filling every operator.
      example: {},
    };
  }
  const sortable = [...r.allFields.values()].filter((f) => f.type.sortable).map((f) => f.name);
  out[`${r.name}.sort`] = {
    name: 'sort',
    in: 'query',
    required: false,
    description:
      'Comma-separated fields, `-` for descending, e.g. `-createdAt,name`. Default: `id`; ties are broken by id.',
    schema: {
      type: 'string',
      maxLength: MAX_HEAD_BYTES,
      pattern: `^-?${alternation(sortable)}(,-?${alternation(sortable)})*$`,
      examples: ['-createdAt'],
    },
  };
  const all = [...r.allFields.keys()];
  out[`${r.name}.fields`] = {
    name: 'fields',
    in: 'query',
    required: false,
    description: 'Comma-separated fields to return (the others are left out).',
    schema: {
      type: 'string',
      maxLength: MAX_HEAD_BYTES,
      pattern: `^${alternation(all)}(,${alternation(all)})*$`,
      examples: [all.slice(0, 2).join(',')],
    },
  };
  const relations = [...r.toOne.map((t) => t.name), ...r.toMany.map((t) => t.name)];
  if (relations.length) {
    out[`${r.name}.embed`] = {
      name: 'embed',
      in: 'query',
      required: false,
      description: `Comma-separated relations to include in each record: ${relations.map((n) => `\`${n}\``).join(', ')} (one extra query per relation per page).`,
      schema: {
        type: 'string',
        maxLength: MAX_HEAD_BYTES,
        pattern: `^${alternation(relations)}(,${alternation(relations)})*$`,
        examples: [relations[0]],
      },
    };
  }
  return out;
}

/** Parameters of GET/HEAD on a collection. */
export function listParameterRefs(r: ResourceDef): unknown[] {
  const filters = [...r.allFields.values()]
    .filter((f) => !RESERVED_QUERY.includes(f.name))
    .map((f) => parameterRef(filterKey(r, f)));
  const paging = ['limit', 'offset', 'cursor', 'count'].map(parameterRef);
  const shape = [
    `${r.name}.sort`,
    `${r.name}.fields`,
    ...(r.toOne.length + r.toMany.length ? [`${r.name}.embed`] : []),
  ].map(parameterRef);
  return [...filters, parameterRef(`${r.name}.sort`), ...paging, ...shape.slice(1)];
}

/** Parameters of a bulk DELETE: filters only (every query name is a field there). */
export const deleteParameterRefs = (r: ResourceDef): unknown[] =>
  [...r.allFields.values()].map((f) => parameterRef(filterKey(r, f)));
