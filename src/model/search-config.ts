/**
 * Full-text search in the model (docs/search.md): the fields a resource searches are those declared
 * `search: true` (an option of the text-like field types, checked by each type's option check). The
 * store builds one search index per resource over them; `?q=` matches its words.
 */
import type { FieldType } from './field-type.js';
import type { FieldDef, ResourceDef } from './model-types.js';

const byResource = new WeakMap<ResourceDef, FieldDef[]>();

/** The fields of `r` its search index covers, in declaration order (none: `q` does not apply). */
export function searchFieldsOf(r: ResourceDef): FieldDef[] {
  let fields = byResource.get(r);
  if (!fields) {
    fields = r.fields.filter((f) => f.options.search === true);
    byResource.set(r, fields);
  }
  return fields;
}

/** Field names a search index cannot hold (SQLite's FTS5 keeps them for its own columns). */
const RESERVED_NAMES = new Set(['rank', 'rowid']);

/**
 * Why `search` in a field's declaration is refused, or undefined: a type without the option, or a
 * name the index reserves. `types` are the registered types (those with a `search` option are named).
 */
export function searchOptionProblem(
  name: string,
  type: FieldType,
  declared: unknown,
  types: Iterable<FieldType>,
): string | undefined {
  if (declared === undefined) return undefined;
  if (!type.options.includes('search')) {
    const able = [...types].filter((t) => t.options.includes('search')).map((t) => t.name);
    return `search works on text fields only (types ${able.join(', ')}), not on ${type.name}`;
  }
  if (declared === true && RESERVED_NAMES.has(name.toLowerCase()))
    return `a field named ${name} cannot be searched (the search index reserves the name); rename the field`;
  return undefined;
}
