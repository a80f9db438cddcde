/**
 * Filters and sorts through relations in the OpenAPI document (docs/query.md, "Filters through
 * relations"), kept compact: a sentence in each list operation's description naming the
 * resource's relations, and the `sort` pattern accepting `relation.field` through to-one relations.
 * The keys are open-ended (`customer.company.name[ilike]`), so they are not one parameter each.
 */
import type { ResourceDef } from '../model/model-types.js';
import { MAX_RELATION_DEPTH } from '../model/query-parameters.js';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

/**
 * A sort key, as one alternation group: one of `names`, or a path through to-one relations (up to
 * MAX_RELATION_DEPTH, then a field). One group, its plain names at its top level: the admin app
 * reads them from it.
 */
export function sortKeyPattern(names: string[], r: ResourceDef): string {
  const paths = r.toOne.length
    ? [`(${r.toOne.map((t) => t.name).join('|')})(\\.${NAME}){1,${MAX_RELATION_DEPTH}}`]
    : [];
  return `(${[...names, ...paths].join('|')})`;
}

/** The sentence of a list operation's description, or '' for a resource without relations. */
export function relationFiltersNote(r: ResourceDef): string {
  const one = r.toOne[0]?.name;
  const many = r.toMany[0]?.name;
  if (!one && !many) return '';
  const names = [...r.toOne, ...r.toMany].map((t) => t.name).join(', ');
  const examples = [
    ...(one ? [`\`${one}.<field>[op]=v\``] : []),
    ...(many
      ? [`\`${many}.<field>[op]=v\` (one related record meets every filter on it)`, `\`${many}.count[gt]=N\``]
      : []),
    ...(one ? [`\`sort=${one}.<field>\``] : []),
  ];
  return ` Through relations (${names}; up to ${MAX_RELATION_DEPTH} deep): ${examples.join(', ')}.`;
}
