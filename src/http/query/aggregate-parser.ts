/**
 * The "parse" step of an aggregate request (docs/aggregates.md): `groupBy`, `aggregate`, `having`,
 * `sort`, `limit`, `offset` and the filters → a typed AggregateQuery. Every problem names its
 * parameter (400 INVALID_QUERY_PARAMETER); field names and functions are checked against the model
 * and fixed lists here, so nothing from the URL reaches SQL except as a bound value.
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import { parseExactInteger } from '../../model/exact-integer.js';
import type { ParsedValue } from '../../model/field-type.js';
import type { FieldDef, Model, ResourceDef } from '../../model/model-types.js';
import {
  AGGREGATE_FUNCTIONS,
  type AggregateFn,
  type AggregateQuery,
  type AggregateTerm,
  aggregateKey,
  DATE_UNITS,
  type DateUnit,
  type GroupTerm,
  type HavingFilter,
  type HavingOp,
} from '../../store/aggregate-query.js';
import { bad, type QueryInput } from './filter-parser.js';
import { parsePaging, parseWhere, single } from './list-query-parser.js';
import type { RelatedFieldUse } from './relation-filter-parser.js';

/** List parameters that do not apply to groups. */
const NOT_WITH_AGGREGATES = ['fields', 'embed', 'cursor', 'count'];
const HAVING_OPS = new Set<HavingOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);
const TERM = /^([A-Za-z]+)\(([^()]*)\)$/;
const HAVING = /^([^[\]=]+)(?:\[([^[\]]*)\])?=(.*)$/s;
const NUMBER = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Whether a query string asks for aggregates rather than records. */
export const wantsAggregate = (q: QueryInput): boolean =>
  q.groupBy !== undefined || q.aggregate !== undefined || q.having !== undefined;

const isNumeric = (f: FieldDef) => (f.storage === 'integer' || f.storage === 'real') && !f.type.reference;

function parseGroupBy(r: ResourceDef, raw: string, problems: Problem[]): GroupTerm[] {
  const terms: GroupTerm[] = [];
  for (const part of raw.split(',')) {
    const [name, unit, ...extra] = part.split(':');
    const f = r.allFields.get(name);
    if (!f) {
      problems.push(
        bad('groupBy', `unknown field "${name}" (fields: ${[...r.allFields.keys()].join(', ')})`),
      );
      continue;
    }
    if (f.storage === 'json') {
      problems.push(bad('groupBy', `cannot group by ${name}, a ${f.type.name} field`));
      continue;
    }
    if (unit !== undefined || extra.length) {
      if (f.storage !== 'date' && f.storage !== 'datetime') {
        problems.push(
          bad('groupBy', `"${part}": only a date or datetime field groups by ${DATE_UNITS.join(', ')}`),
        );
        continue;
      }
      const units = f.storage === 'date' ? DATE_UNITS.filter((u) => u !== 'hour') : DATE_UNITS;
      if (extra.length || !(units as readonly string[]).includes(unit)) {
        problems.push(bad('groupBy', `"${part}": the bucket of ${name} is one of ${units.join(', ')}`));
        continue;
      }
    }
    if (terms.some((t) => t.field === name)) {
      problems.push(bad('groupBy', `${name} appears twice`));
      continue;
    }
    terms.push({ field: name, ...(unit ? { unit: unit as DateUnit } : {}) });
  }
  return terms;
}

/** Why `fn` cannot take `f`, or undefined when it can. */
function refuseArgument(fn: AggregateFn, f: FieldDef): string | undefined {
  if ((fn === 'sum' || fn === 'avg') && !isNumeric(f))
    return `${fn} takes an integer or number field; ${f.name} is a ${f.type.name} field`;
  if (fn !== 'count' && f.storage === 'json') return `${fn} cannot take ${f.name}, a ${f.type.name} field`;
  return undefined;
}

function parseAggregates(r: ResourceDef, raw: string, problems: Problem[]): AggregateTerm[] {
  const terms: AggregateTerm[] = [];
  for (const part of raw.split(',')) {
    const m = TERM.exec(part);
    if (!m) {
      problems.push(bad('aggregate', `"${part}" is not a function call such as count() or sum(amount)`));
      continue;
    }
    const [, name, arg] = m;
    if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(name)) {
      problems.push(
        bad('aggregate', `unknown function "${name}" (functions: ${AGGREGATE_FUNCTIONS.join(', ')})`),
      );
      continue;
    }
    const fn = name as AggregateFn;
    if (arg === '' && fn !== 'count') {
      problems.push(bad('aggregate', `${fn}() needs a field: ${fn}(field)`));
      continue;
    }
    const f = arg === '' ? undefined : r.allFields.get(arg);
    if (arg !== '' && !f) {
      problems.push(
        bad('aggregate', `unknown field "${arg}" in ${part} (fields: ${[...r.allFields.keys()].join(', ')})`),
      );
      continue;
    }
    const refused = f && refuseArgument(fn, f);
    if (refused) {
      problems.push(bad('aggregate', refused));
      continue;
    }
    const key = aggregateKey(fn, f?.name);
    if (!terms.some((t) => t.key === key)) terms.push({ fn, field: f?.name, key });
  }
  return terms;
}

/** A having value as the aggregate's result is: integers exact, averages and sums of numbers, min/max as their field. */
function havingValue(r: ResourceDef, t: AggregateTerm, raw: string): ParsedValue {
  const f = t.field ? r.allFields.get(t.field)! : undefined;
  if (t.fn === 'count' || t.fn === 'countDistinct' || (t.fn === 'sum' && f!.storage === 'integer'))
    return parseExactInteger(raw);
  if (t.fn === 'sum' || t.fn === 'avg') {
    const value = Number(raw);
    return NUMBER.test(raw) && Number.isFinite(value)
      ? { ok: true, value }
      : { ok: false, expected: 'a number' };
  }
  return f!.type.parseQuery(raw, f!);
}

function parseHaving(
  r: ResourceDef,
  raw: string,
  terms: AggregateTerm[],
  problems: Problem[],
): HavingFilter[] {
  const m = HAVING.exec(raw);
  if (!m) {
    problems.push(bad('having', `"${raw}" is not aggregate[op]=value, e.g. sum_amount[gt]=1000`));
    return [];
  }
  const [, key, opRaw = 'eq', value] = m;
  const op = opRaw as HavingOp;
  if (!HAVING_OPS.has(op)) {
    problems.push(bad('having', `unknown operator "${opRaw}" (operators: ${[...HAVING_OPS].join(', ')})`));
    return [];
  }
  const term = terms.find((t) => t.key === key);
  if (!term) {
    problems.push(
      bad(
        'having',
        `"${key}" is not one of the aggregates asked for (${terms.map((t) => t.key).join(', ') || 'none'})`,
      ),
    );
    return [];
  }
  const parsed = value.includes('\u0000')
    ? { ok: false as const, expected: 'text without NUL' }
    : havingValue(r, term, value);
  if (!parsed.ok) {
    problems.push(bad('having', `"${value}" is not ${parsed.expected}`));
    return [];
  }
  return [{ key, op, value: parsed.value }];
}

function parseSort(raw: string, keys: string[], problems: Problem[]): AggregateQuery['sort'] {
  const sort: AggregateQuery['sort'] = [];
  for (const part of raw.split(',')) {
    const desc = part.startsWith('-');
    const key = desc ? part.slice(1) : part;
    if (!keys.includes(key)) {
      problems.push(bad('sort', `cannot sort by "${part}": groups sort by ${keys.join(', ')}`));
      return [];
    }
    if (!sort.some((s) => s.key === key)) sort.push({ key, desc });
  }
  return sort;
}

/**
 * The aggregate query of a query string; `where` holds its filters only (the caller adds access
 * rules and scopes the relations), `relatedFields` what the filters read through relations.
 */
export function parseAggregateQuery(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
): { query: AggregateQuery; relatedFields: RelatedFieldUse[] } {
  const problems: Problem[] = [];
  const relatedFields: RelatedFieldUse[] = [];
  for (const name of NOT_WITH_AGGREGATES)
    if (q[name] !== undefined)
      problems.push(bad(name, `${name} does not apply to aggregates (groupBy, aggregate)`));
  const where = parseWhere(model, r, q, problems, relatedFields);
  const groupRaw = single(q, 'groupBy', problems);
  const groupBy = groupRaw === undefined ? [] : parseGroupBy(r, groupRaw, problems);
  const aggregateRaw = single(q, 'aggregate', problems);
  // `groupBy` alone counts the rows of each group (docs/aggregates.md).
  const aggregates =
    aggregateRaw !== undefined
      ? parseAggregates(r, aggregateRaw, problems)
      : groupRaw !== undefined
        ? [{ fn: 'count' as const, key: 'count' }]
        : [];
  if (groupRaw === undefined && aggregateRaw === undefined)
    problems.push(bad('having', 'applies to aggregates only: add aggregate (and groupBy)'));
  for (const g of groupBy)
    if (aggregates.some((t) => t.key === g.field))
      problems.push(bad('groupBy', `${g.field} is also the name of an aggregate's result`));
  const havingRaw = q.having === undefined ? [] : Array.isArray(q.having) ? q.having : [q.having];
  const having = havingRaw.flatMap((h) => parseHaving(r, h, aggregates, problems));
  const keys = [...groupBy.map((g) => g.field), ...aggregates.map((t) => t.key)];
  const sortRaw = single(q, 'sort', problems);
  const sort = sortRaw === undefined ? [] : parseSort(sortRaw, keys, problems);
  // The group keys make the order total, so pages neither repeat nor skip a group.
  for (const g of groupBy) if (!sort.some((s) => s.key === g.field)) sort.push({ key: g.field, desc: false });
  const { limit, offset } = parsePaging(q, problems);
  if (problems.length) throw new ApiError(problems);
  return { query: { where, groupBy, aggregates, having, sort, limit, offset }, relatedFields };
}
