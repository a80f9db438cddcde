/**
 * The full-text search index in the schema plan (docs/search.md): one per resource with `search: true`
 * fields, named `{table}_fts`. Derived data: building it (from the stored rows) and dropping it are
 * safe steps. A changed field list or a renamed table drops the old index and builds the new one.
 */
import type { ResourceDef } from '../../model/model-types.js';
import { searchFieldsOf } from '../../model/search-config.js';
import type { DbTable, SchemaStep, SearchIndexSpec } from './schema-plan.js';

/** The search index's name for a table (SQLite: the FTS5 table; PostgreSQL: the GIN index). */
export const searchIndexName = (table: string): string => `${table}_fts`;

/** The search index `r` wants, or undefined when no field of it is searchable. */
export function searchIndexOf(r: ResourceDef): SearchIndexSpec | undefined {
  const fields = searchFieldsOf(r).map((f) => f.name);
  return fields.length ? { name: searchIndexName(r.name), fields } : undefined;
}

const same = (a: SearchIndexSpec, b: SearchIndexSpec) =>
  a.name === b.name && a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);

/** The steps that bring `table`'s search index (if any) to the one `r` wants (`r` undefined: a dropped table). */
export function diffSearch(r: ResourceDef | undefined, table: DbTable | undefined): SchemaStep[] {
  const wanted = r && searchIndexOf(r);
  const had = table?.search;
  if (had && wanted && same(had, wanted)) return [];
  const steps: SchemaStep[] = [];
  if (had && table)
    steps.push({ kind: 'drop-search-index', resource: r?.name ?? table.name, table: table.name, index: had });
  if (wanted && r) steps.push({ kind: 'create-search-index', resource: r.name, index: wanted });
  return steps;
}
