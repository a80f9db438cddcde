/**
 * Aggregates in the document (docs/aggregates.md): the `groupBy`, `aggregate` and `having`
 * parameters of every list GET (shared components: their grammar names no resource's fields),
 * the aggregate keys `sort` also takes, and the one `AggregateRow` schema of an aggregate answer.
 */
import type { JsonSchema } from '../model/field-type.js';
import { AGGREGATE_FUNCTIONS, DATE_UNITS } from '../store/aggregate-query.js';
import { parameterRef } from './openapi-headers.js';
import { headString, MAX_HEAD_BYTES } from './openapi-limits.js';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const FNS = `(${AGGREGATE_FUNCTIONS.join('|')})`;
const list = (item: string) => `^${item}(,${item})*$`;

/** What `sort` takes besides fields when aggregating: `count` and the keys `sum_amount`, … */
export const AGGREGATE_SORT_KEYS = `count|${FNS}_${NAME}`;

export function aggregateParameters(): Record<string, unknown> {
  const param = (name: string, description: string, schema: JsonSchema) => ({
    name,
    in: 'query',
    description,
    schema,
  });
  return {
    groupBy: param(
      'groupBy',
      `Aggregates instead of records (docs/aggregates.md): one row per distinct value of these fields; \`field:unit\` groups a date or datetime by ${DATE_UNITS.join(', ')} (the bucket's start). Alone, it counts each group.`,
      headString({ pattern: list(`${NAME}(:(${DATE_UNITS.join('|')}))?`), examples: ['stage'] }),
    ),
    aggregate: param(
      'aggregate',
      'count(), count(f), countDistinct(f), sum(f), avg(f), min(f), max(f), comma-separated; each row has `count`, `count_f`, `countDistinct_f`, `sum_f`, `avg_f`, `min_f`, `max_f`. Without `groupBy`: one row over every match.',
      headString({ pattern: list(`(count\\(\\)|${FNS}\\(${NAME}\\))`), examples: ['count(),sum(amount)'] }),
    ),
    having: {
      ...param(
        'having',
        'A condition on the groups, after grouping: `sum_amount[gt]=1000` (eq ne gt gte lt lte), on an aggregate asked for; repeats are ANDed.',
        {
          type: 'array',
          maxItems: 100,
          items: headString({
            pattern: `^${NAME}(\\[(eq|ne|gt|gte|lt|lte)\\])?=.*$`,
            examples: ['sum_amount[gt]=1000'],
          }),
        },
      ),
      explode: true,
    },
  };
}

export const aggregateParameterRefs = (): unknown[] => ['groupBy', 'aggregate', 'having'].map(parameterRef);

export const aggregateSchemas = (): Record<string, JsonSchema> => ({
  AggregateRow: {
    type: 'object',
    description:
      'One group of `groupBy`/`aggregate` (docs/aggregates.md): the group fields, then each aggregate. Integer sums beyond ±2^53 are digit strings.',
    additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: MAX_HEAD_BYTES },
  },
});
