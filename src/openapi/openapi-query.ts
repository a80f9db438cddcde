/**
 * Query parameters of a collection (docs/query.md). Each filter is its own scalar parameter, named as the
 * query string carries it (`status`, `status[ne]`, `amount[gte]`), so Swagger UI shows an input
 * field for each; `status=lead` is the short form of `status[eq]=lead`.
 */

import { integerSchema } from '../model/exact-integer.js';
import type { JsonSchema } from '../model/field-type.js';
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import { MAX_RELATION_DEPTH, QUERY_PARAMETERS } from '../model/query-parameters.js';
import { AGGREGATE_SORT_KEYS, aggregateParameterRefs } from './openapi-aggregate.js';
import { parameterRef } from './openapi-headers.js';
import { headString, int, MAX_HEAD_BYTES, MAX_IN_VALUES } from './openapi-limits.js';
import { schemaRef } from './openapi-record-schemas.js';
import { sortKeyPattern } from './openapi-relation-filters.js';
import { relevanceNote, searchable, searchParameters } from './openapi-search.js';

/** Query names a GET never reads as filters (a field with such a name is filterable on DELETE only). */
export const RESERVED_QUERY: readonly string[] = QUERY_PARAMETERS;

/**
 * `components.schemas` shared by the filter parameters. A query value is text: a 64-bit integer
 * is its decimal digits (the long form beyond ±2^53 is model/exact-integer.ts's own pattern).
 */
export function filterSchemas(): Record<string, JsonSchema> {
  const [, digits] = integerSchema().anyOf as JsonSchema[];
  return {
    FilterInt64: {
      type: 'string',
      maxLength: 20,
      description: 'A signed 64-bit integer, in decimal digits.',
      anyOf: [{ type: 'string', pattern: '^-?(0|[1-9][0-9]{0,15})$', maxLength: 17 }, digits],
      examples: ['42'],
    },
    FilterList: headString({ description: `Comma-separated values, at most ${MAX_IN_VALUES}.` }),
  };
}

/**
 * One filter value as the query string carries it, from the field's type (`querySchema`; the
 * field's own limits are not applied to filters), bounded as OpenAPI wants: strings by the request
 * head; 64-bit integers as the shared `FilterInt64` (their digits).
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
  const raw = f.type.querySchema(f);
  if (Array.isArray(raw.anyOf) && (raw.anyOf as JsonSchema[]).some((s) => s.type === 'integer'))
    return schemaRef('FilterInt64');
  return bound(raw);
}

const OPERATORS: [op: string, text: string][] = [
  ['ne', 'differs from'],
  ['gt', 'is greater than'],
  ['gte', 'is greater than or equal to'],
  ['lt', 'is less than'],
  ['lte', 'is less than or equal to'],
  ['in', `is one of these comma-separated values (at most ${MAX_IN_VALUES})`],
  ['nin', `is none of these comma-separated values (at most ${MAX_IN_VALUES})`],
  ['like', 'matches this pattern, where `*` stands for any text (case-sensitive)'],
  ['ilike', 'matches this pattern, where `*` stands for any text, ignoring case'],
];

/** Whether the field's type takes this operator (the filter parser asks the same question). */
const takes = (f: FieldDef, op: string) => f.type.refuseOperator(op, f) === undefined;

/** The operators a field takes besides `eq` and `null`. */
const operatorsOf = (f: FieldDef): [string, string][] => OPERATORS.filter(([op]) => takes(f, op));

const filterKey = (r: ResourceDef, f: FieldDef, op?: string) =>
  `${r.name}.filter.${f.name}${op ? `.${op}` : ''}`;
const alternation = (names: string[]) => `(${names.join('|')})`;

/** The component keys of a field's filters, in the order an operation lists them. */
function filterKeys(r: ResourceDef, f: FieldDef): string[] {
  const ops = operatorsOf(f).map(([op]) => filterKey(r, f, op));
  return [
    ...(takes(f, 'eq') ? [filterKey(r, f)] : []),
    ...ops,
    ...(takes(f, 'null') ? [filterKey(r, f, 'null')] : []),
  ];
}

/**
 * One scalar query parameter per field and operator (`status`, `status[ne]`, `amount[gte]`, …), so
 * interactive docs offer each as an input field; several filters are ANDed (docs/query.md).
 */
function filterParameters(r: ResourceDef, f: FieldDef): Record<string, unknown> {
  const param = (name: string, description: string, schema: JsonSchema) => ({
    name,
    in: 'query',
    description,
    schema,
  });
  const out: Record<string, unknown> = {};
  const v = valueSchema(f);
  const list = schemaRef('FilterList');
  if (takes(f, 'eq'))
    out[filterKey(r, f)] = param(f.name, `Filter: \`${f.name}\` equals (also \`${f.name}[eq]\`).`, v);
  for (const [op, text] of operatorsOf(f)) {
    const schema = op === 'in' || op === 'nin' ? list : op.endsWith('like') ? headString() : v;
    out[filterKey(r, f, op)] = param(`${f.name}[${op}]`, `Filter: \`${f.name}\` ${text}.`, schema);
  }
  if (takes(f, 'null'))
    out[filterKey(r, f, 'null')] = param(
      `${f.name}[null]`,
      `Filter: \`true\`, \`${f.name}\` is null; \`false\`, it is not.`,
      { type: 'boolean' },
    );
  return out;
}

/** `components.parameters` of one resource: the filters of each field, and sort/fields/embed. */
export function resourceParameters(r: ResourceDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of r.allFields.values()) Object.assign(out, filterParameters(r, f));
  // With `groupBy`/`aggregate`, `sort` names the group fields and aggregate keys (docs/aggregates.md).
  const sortable = [
    ...[...r.allFields.values()].filter((f) => f.type.sortable).map((f) => f.name),
    // With `q`, the search's rank (docs/search.md).
    ...(searchable(r) && !r.allFields.has('relevance') ? ['relevance'] : []),
    AGGREGATE_SORT_KEYS,
  ];
  Object.assign(out, searchParameters(r));
  out[`${r.name}.sort`] = {
    name: 'sort',
    in: 'query',
    description: `Comma-separated fields, \`-\` for descending, e.g. \`-createdAt,name\`. Default: \`id\`; ties are broken by id. Aggregates sort by group fields and aggregate keys (\`-sum_amount\`).${relevanceNote(r)}`,
    schema: {
      type: 'string',
      maxLength: MAX_HEAD_BYTES,
      pattern: `^-?${sortKeyPattern(sortable, r)}(,-?${sortKeyPattern(sortable, r)})*$`,
      examples: ['-createdAt'],
    },
  };
  const all = [...r.allFields.keys()];
  out[`${r.name}.fields`] = {
    name: 'fields',
    in: 'query',
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
    // docs/query.md: item = relation ["(" field *("," field) ")"] ["." item], at most MAX_RELATION_DEPTH levels.
    const name = '[A-Za-z_][A-Za-z0-9_]*';
    const fieldList = `(\\(${name}(,${name})*\\))?`;
    const item = `${alternation(relations)}${fieldList}(\\.${name}${fieldList}){0,${MAX_RELATION_DEPTH - 1}}`;
    out[`${r.name}.embed`] = {
      name: 'embed',
      in: 'query',
      description:
        `Comma-separated relations to include in each record: ${relations.map((n) => `\`${n}\``).join(', ')}. ` +
        'Each may name the fields to return, `customer(name,email)`, and a relation of the embedded records, ' +
        '`orders(id,amount).customer`, at most 3 levels deep (docs/query.md). One extra query per relation per level.',
      schema: {
        type: 'string',
        maxLength: MAX_HEAD_BYTES,
        pattern: `^${item}(,${item})*$`,
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
    .flatMap((f) => filterKeys(r, f).map(parameterRef));
  const paging = ['limit', 'offset', 'cursor', 'count'].map(parameterRef);
  const shape = [
    `${r.name}.sort`,
    `${r.name}.fields`,
    ...(r.toOne.length + r.toMany.length ? [`${r.name}.embed`] : []),
  ].map(parameterRef);
  const search = searchable(r) ? [parameterRef(`${r.name}.q`)] : [];
  return [
    ...filters,
    ...search,
    parameterRef(`${r.name}.sort`),
    ...paging,
    ...shape.slice(1),
    ...aggregateParameterRefs(),
  ];
}

/** Parameters of a bulk DELETE: filters only (every query name is a field there). */
export const deleteParameterRefs = (r: ResourceDef): unknown[] =>
  [...r.allFields.values()].flatMap((f) => filterKeys(r, f).map(parameterRef));
