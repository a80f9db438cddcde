/**
 * The `q` parameter of a collection whose resource has searchable fields (docs/search.md), and the
 * words the sort parameter gets about `relevance`.
 */
import type { ResourceDef } from '../model/model-types.js';
import { searchFieldsOf } from '../model/search-config.js';
import { MAX_HEAD_BYTES } from './openapi-limits.js';

/** Whether the resource takes `q` (and `sort=relevance`). */
export const searchable = (r: ResourceDef): boolean => searchFieldsOf(r).length > 0;

/** `components.parameters` entry `{r}.q`, for a searchable resource. */
export function searchParameters(r: ResourceDef): Record<string, unknown> {
  if (!searchable(r)) return {};
  const fields = searchFieldsOf(r)
    .map((f) => `\`${f.name}\``)
    .join(', ');
  return {
    [`${r.name}.q`]: {
      name: 'q',
      in: 'query',
      description:
        `Full-text search in ${fields}: words (letters and digits) matched ignoring case and accents, ` +
        'every word required; `word*` matches words starting with `word`. Any other character only ' +
        'separates words. Sort by rank with `sort=-relevance` (docs/search.md).',
      schema: { type: 'string', minLength: 1, maxLength: MAX_HEAD_BYTES, examples: ['ana garc*'] },
    },
  };
}

/** The sort parameter's extra sentence on a searchable resource. */
export const relevanceNote = (r: ResourceDef): string =>
  searchable(r) ? ' With `q`, `relevance` sorts by search rank (`-relevance`: best matches first).' : '';
