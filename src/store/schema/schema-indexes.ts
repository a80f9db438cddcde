/**
 * The indexes verbo keeps on a table and their names: one-column ones for `index`/`unique`/reference
 * fields and createdAt, and the composite ones a resource declares (`indexes:`, docs/config.md).
 * A name says what the index covers, so the planner recognises its own indexes (and leaves others).
 */
import { createHash } from 'node:crypto';
import { extraSystemFields, type ResourceDef } from '../../model/model-types.js';
import type { DbTable, IndexColumn, IndexSpec } from './schema-plan.js';

/** PostgreSQL cuts identifiers at 63 bytes: a longer name is shortened with a hash of the whole. */
const MAX_NAME = 63;

/** `{table}_{field}_key|idx` for one ascending column; `{table}_{a}_{b}_desc_idx` for several. */
export function indexName(table: string, columns: string | IndexColumn[], unique: boolean): string {
  const suffix = unique ? 'key' : 'idx';
  const parts =
    typeof columns === 'string'
      ? [columns]
      : columns.map((c) => (c.descending ? `${c.field}_desc` : c.field));
  const name = `${table}_${parts.join('_')}_${suffix}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${table.slice(0, 40)}_h${hash}_${suffix}`;
}

/** The indexes verbo keeps on a resource: indexed fields, createdAt (newest-first lists), declared ones. */
export function indexesOf(r: ResourceDef): IndexSpec[] {
  const out: IndexSpec[] = [];
  const add = (spec: IndexSpec) => {
    if (!out.some((o) => o.name === spec.name)) out.push(spec);
  };
  for (const f of [...r.fields, ...extraSystemFields(r)])
    if (f.index)
      add({
        name: indexName(r.name, f.name, f.unique),
        columns: [{ field: f.name, descending: false, nullable: true }],
        unique: f.unique,
      });
  if (r.allFields.has('createdAt'))
    add({
      name: indexName(r.name, 'createdAt', false),
      columns: [{ field: 'createdAt', descending: false, nullable: false }],
      unique: false,
    });
  for (const index of r.indexes) {
    // Nullable as the list compiler sorts them: declared fields NULLs first, server-set ones plain.
    const columns = index.fields.map((f) => ({
      field: f.name,
      descending: f.descending,
      nullable: !r.allFields.get(f.name)?.system,
    }));
    add({ name: indexName(r.name, columns, index.unique), columns, unique: index.unique });
  }
  return out;
}

/** Whether `rest` reads as column names joined by `_`, each maybe followed by `_desc`. */
function columnsIn(rest: string, columns: string[]): boolean {
  return columns.some((c) => {
    if (!rest.startsWith(c)) return false;
    const after = rest.slice(c.length);
    if (after === '' || after === '_desc') return true;
    if (after.startsWith('_desc_') && columnsIn(after.slice(6), columns)) return true;
    return after.startsWith('_') && columnsIn(after.slice(1), columns);
  });
}

/** verbo's own index names on a table (see indexName): the only ones it may drop. */
export function ownIndexes(table: DbTable): string[] {
  const columns = [...table.columns.keys()];
  const hashed = new RegExp(`^${table.name.slice(0, 40).replace(/[^a-z0-9_]/g, '')}_h[0-9a-f]{8}_(idx|key)$`);
  return [...table.indexes].filter((name) => {
    if (hashed.test(name)) return true;
    const m = /^(.*)_(idx|key)$/.exec(name);
    return m?.[1].startsWith(`${table.name}_`) && columnsIn(m[1].slice(table.name.length + 1), columns);
  });
}
