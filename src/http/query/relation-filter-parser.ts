/**
 * Filters and sorts through relations (docs/query.md, "Filters through relations"):
 *
 *   customer.status=active          to-one: orders whose customer is active
 *   order.customer.company.name=x   any depth up to MAX_RELATION_DEPTH
 *   orders.stage=won                to-many: customers with at least one won order
 *   orders.count[gt]=3              to-many: by the number of related rows
 *   sort=customer.name,-id          sort by a related value (to-one steps only)
 *
 * Relation names are those of `embed`. Every filter on one relation path holds on the same related
 * row (one EXISTS per path); each operator and value is parsed by the related field's type exactly as
 * a direct filter's. The steps come out unscoped: `scopeRelations` (store/relation-query.ts) sets the
 * caller's access filters once access is decided, and `refuseHiddenRelated` refuses fields the caller
 * may not read.
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import { formatRule, grants } from '../../model/access-rules.js';
import { didYouMean } from '../../model/closest-name.js';
import type { FieldDef, Model, ResourceDef } from '../../model/model-types.js';
import { MAX_RELATION_DEPTH } from '../../model/query-parameters.js';
import type { Filter, FilterOp } from '../../store/query-types.js';
import type {
  CountCompare,
  RelatedCondition,
  RelatedValue,
  RelationStep,
} from '../../store/relation-query.js';
import { currentWriteScope } from '../../write/write-scope.js';
import { readGuarded } from '../respond/representation.js';
import { relationNames, relationStep } from './embed-parser.js';
import { bad, FILTER_KEY, OPS, parseFilterValue, type QueryInput } from './filter-parser.js';

const COUNT_OPS = new Set<string>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);

/** A query key that names a relation path (`customer.status`, `orders.count[gt]`). */
export const isRelationKey = (key: string): boolean => {
  const dot = key.indexOf('.');
  const bracket = key.indexOf('[');
  return dot > 0 && (bracket < 0 || dot < bracket);
};

/** A related field the query reads, and the parameter that named it (for field read rules). */
export interface RelatedFieldUse {
  parameter: string;
  resource: ResourceDef;
  field: FieldDef;
}

interface Path {
  steps: { name: string; step: RelationStep }[];
  /** The related field, or undefined for `count` after a to-many relation. */
  field?: FieldDef;
}

class PathError extends Error {}

/** `a.b.field` from `r`: each name but the last a relation, the last a field of the related resource (or `count`). */
function resolvePath(model: Model, r: ResourceDef, dotted: string): Path {
  const names = dotted.split('.');
  const steps: Path['steps'] = [];
  let at = r;
  for (const name of names.slice(0, -1)) {
    const step = relationStep(model, at, name);
    if (!step) {
      const known = relationNames(at);
      const hint = at.allFields.has(name)
        ? ` "${name}" is a field, not a relation.`
        : didYouMean(name, known);
      throw new PathError(
        `${at.name} has no relation "${name}".${hint} Relations: ${known.join(', ') || 'none'}.`,
      );
    }
    steps.push({ name, step });
    if (steps.length > MAX_RELATION_DEPTH)
      throw new PathError(
        `goes through ${steps.length} relations: at most ${MAX_RELATION_DEPTH} are allowed`,
      );
    at = step.target;
  }
  const last = names[names.length - 1];
  if (last === 'count' && steps[steps.length - 1].step.kind === 'many') return { steps };
  const field = at.allFields.get(last);
  if (!field) {
    const count = steps[steps.length - 1].step.kind === 'many' ? ', or count' : '';
    const fields = [...at.allFields.keys()].join(', ');
    throw new PathError(
      `${at.name} has no field "${last}".${didYouMean(last, at.allFields.keys())} Fields: ${fields}${count}.`,
    );
  }
  return { steps, field };
}

/** A node of the relation tree: the filters on one relation path's rows, and the paths beyond it. */
interface Node {
  step: RelationStep;
  where: Filter[];
  children: Map<string, Node>;
}

function toFilters(nodes: Map<string, Node>, prefix: string): Filter[] {
  return [...nodes].map(([name, n]) => {
    const path = `${prefix}${name}`;
    const value: RelatedCondition = {
      step: n.step,
      where: [...n.where, ...toFilters(n.children, `${path}.`)],
    };
    return { field: path, op: 'exists', value };
  });
}

/**
 * The relation filters among `q`'s keys (those `isRelationKey` accepts), as `exists` and `count`
 * filters; `uses` collects the related fields they read.
 */
export function parseRelationFilters(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
  problems: Problem[],
  uses: RelatedFieldUse[],
): Filter[] {
  const roots = new Map<string, Node>();
  const rootCounts: Filter[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (raw === undefined || !isRelationKey(key)) continue;
    const m = FILTER_KEY.exec(key);
    let path: Path;
    try {
      if (!m) throw new PathError('is not a filter: use relation.field or relation.field[operator]');
      path = resolvePath(model, r, m[1]);
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      problems.push(bad(key, e.message));
      continue;
    }
    const op = (m![2] ?? 'eq') as FilterOp;
    // The node of every step but a counted last one: filters on one path share one related row.
    const stepsToNode = path.field ? path.steps : path.steps.slice(0, -1);
    let nodes = roots;
    let node: Node | undefined;
    for (const { name, step } of stepsToNode) {
      node = nodes.get(name) ?? { step, where: [], children: new Map() };
      nodes.set(name, node);
      nodes = node.children;
    }
    const into = node?.where ?? rootCounts;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (!path.field) {
        const counted = path.steps[path.steps.length - 1];
        if (!COUNT_OPS.has(op)) {
          problems.push(bad(key, `count takes eq, ne, gt, gte, lt or lte, not "${op}"`));
          break;
        }
        if (!/^(0|[1-9][0-9]{0,8})$/.test(value)) {
          problems.push(bad(key, `"${value}" is not a count (a non-negative integer)`));
          continue;
        }
        const prefix = path.steps.map((s) => s.name).join('.');
        into.push({
          field: `${prefix}.count`,
          op: 'count',
          value: { step: counted.step, compare: op as CountCompare, count: Number(value) },
        });
        continue;
      }
      if (!OPS.has(op)) {
        problems.push(bad(key, `unknown operator "${m![2]}" (operators: ${[...OPS].join(', ')})`));
        break;
      }
      const parsed = parseFilterValue(path.field, op, value);
      if ('error' in parsed) problems.push(bad(key, parsed.error));
      else {
        into.push({ field: path.field.name, op, value: parsed.value });
        uses.push({
          parameter: key,
          resource: path.steps[path.steps.length - 1].step.target,
          field: path.field,
        });
      }
    }
  }
  return [...toFilters(roots, ''), ...rootCounts];
}

/** A sort key through to-one relations (`customer.name`): the related value, or a problem's message. */
export function parseRelationSort(model: Model, r: ResourceDef, dotted: string): RelatedValue | string {
  let path: Path;
  try {
    path = resolvePath(model, r, dotted);
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    return `cannot sort by "${dotted}": ${e.message}`;
  }
  const many = path.steps.find((s) => s.step.kind === 'many');
  if (many)
    return `cannot sort by "${dotted}": ${many.name} is a to-many relation (a record has many ${many.name}); sort through to-one relations only`;
  if (!path.field?.type.sortable) return `cannot sort by "${dotted}"`;
  return { name: dotted, path: path.steps.map((s) => s.step), field: path.field };
}

/**
 * Field read rules through relations (docs/rules.md#field-access): a related field the caller may not
 * read cannot be filtered or sorted on, with the same 403 a direct filter on it gets.
 */
export function refuseHiddenRelated(uses: readonly RelatedFieldUse[]): void {
  if (!uses.length) return;
  const caller = currentWriteScope().caller();
  for (const { parameter, resource, field } of uses) {
    if (!readGuarded(resource).includes(field) || grants(field.access?.read, caller)) continue;
    throw ApiError.of(
      'FORBIDDEN',
      `${field.name} of ${resource.name} may be read by ${(field.access?.read ?? []).map(formatRule).join(' or ')} only: it cannot be filtered or sorted on`,
      { parameter },
    );
  }
}

/** Bulk DELETE takes filters on the resource's own fields only: each relation key is a problem, and skipped. */
export function refuseRelationKeys(q: QueryInput, problems: Problem[]): Set<string> {
  const keys = new Set(Object.keys(q).filter(isRelationKey));
  for (const key of keys)
    problems.push(
      bad(key, 'filters through relations apply to lists (GET); DELETE takes filters on its own fields'),
    );
  return keys;
}
