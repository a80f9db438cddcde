/**
 * The one schema diff: the declared model against the database's introspection → a plan of typed
 * steps, or refusals for what would drop or retype data. Pure: no SQL, no I/O. Each dialect
 * introspects (`DbSchema`) and renders the steps (docs/architecture.md, store section).
 */
import type { StorageKind } from '../../model/field-type.js';
import {
  extraSystemFields,
  type FieldDef,
  type Model,
  type ResourceDef,
  storedResources,
} from '../../model/model-types.js';
import type { DbSchema, DbTable, IndexSpec, ReferenceTarget, SchemaPlan, SchemaStep } from './schema-plan.js';

/** Type names as the dialect's introspection reports them, to compare with the model. */
export interface StoredTypeNames {
  storedType(storage: StorageKind): string;
  /** The id column's type as introspection reports it, for the id's storage kind. */
  storedIdType(storage: StorageKind): string;
}

/** Declared fields plus server-set extra columns (ownerId), which are nullable and indexed. */
export const columnsOf = (r: ResourceDef): FieldDef[] => [...r.fields, ...extraSystemFields(r)];

/** Columns every table has besides its declared fields (`ownerId` is never refused when it goes). */
const SERVER_COLUMNS = ['id', 'createdAt', 'updatedAt', '_version', 'ownerId'];

/** The indexes verbo keeps on a resource: indexed fields, and createdAt (newest-first lists read it). */
export function indexesOf(r: ResourceDef): IndexSpec[] {
  const out: IndexSpec[] = columnsOf(r)
    .filter((f) => f.index)
    .map((f) => ({
      name: indexName(r.name, f.name, f.unique),
      field: f.name,
      unique: f.unique,
      nullable: true,
    }));
  if (r.allFields.has('createdAt'))
    out.push({
      name: indexName(r.name, 'createdAt', false),
      field: 'createdAt',
      unique: false,
      nullable: false,
    });
  return out;
}

export const indexName = (table: string, field: string, unique: boolean): string =>
  `${table}_${field}_${unique ? 'key' : 'idx'}`;

/** A stored resource by name (declared or built in). */
export function resourceOf(model: Model, name: string): ResourceDef {
  const r = storedResources(model).find((x) => x.name === name);
  if (!r) throw new Error(`unknown resource ${name}`);
  return r;
}

const wantedReference = (f: FieldDef): ReferenceTarget | undefined =>
  f.reference && { target: f.reference.resource, onDelete: f.reference.onDelete };

function diffTable(
  r: ResourceDef,
  table: DbTable,
  db: DbSchema,
  names: StoredTypeNames,
  plan: SchemaPlan,
): void {
  const idType = table.columns.get('id')?.type;
  if (idType && idType !== names.storedIdType(r.allFields.get('id')!.storage))
    plan.refused.push(`${r.name}.id would change type from ${idType} to ${r.idType}`);
  const changes: SchemaStep[] = [];
  for (const f of columnsOf(r)) {
    const had = table.columns.get(f.name);
    if (!had) {
      plan.steps.push({ kind: 'add-column', resource: r.name, field: f.name, storage: f.storage });
      continue;
    }
    const stored = db.storages.get(`${r.name}.${f.name}`);
    if (stored !== undefined ? stored !== f.storage : had.type !== names.storedType(f.storage)) {
      plan.refused.push(
        `${r.name}.${f.name} would change from ${stored ?? had.type} to ${f.storage} storage`,
      );
      continue;
    }
    const fk = table.foreignKeys.find((k) => k.column === f.name);
    const from = fk && { target: fk.target, onDelete: fk.onDelete, constraint: fk.name };
    const to = wantedReference(f);
    if (from?.target !== to?.target || from?.onDelete !== to?.onDelete)
      changes.push({ kind: 'change-reference', resource: r.name, field: f.name, from, to });
  }
  plan.steps.push(...changes);
  const declared = new Set([...SERVER_COLUMNS, ...r.fields.map((f) => f.name)]);
  for (const c of table.columns.keys())
    if (!declared.has(c))
      plan.refused.push(`${r.name}.${c} is stored but no longer declared: it would be dropped`);
}

/** verbo's own index names on a table (`{table}_{column}_key|idx`): the only ones it may drop. */
function ownIndexes(table: DbTable): string[] {
  return [...table.indexes].filter((name) =>
    [...table.columns.keys()].some(
      (c) => name === indexName(table.name, c, true) || name === indexName(table.name, c, false),
    ),
  );
}

/**
 * Plans the changes that bring `db` to `model`: new tables, new columns, changed references,
 * indexes to create and (verbo's own, no longer wanted) to drop. Tables the model no longer names
 * are left alone; a column the model no longer declares, or one whose storage changed, is refused.
 */
export function planSchema(model: Model, db: DbSchema, names: StoredTypeNames): SchemaPlan {
  const plan: SchemaPlan = { steps: [], refused: [] };
  const indexSteps: SchemaStep[] = [];
  for (const r of storedResources(model)) {
    const table = db.tables.get(r.name);
    if (!table) plan.steps.push({ kind: 'create-table', resource: r.name });
    else diffTable(r, table, db, names, plan);
    const wanted = indexesOf(r);
    const have = table?.indexes ?? new Set<string>();
    if (table)
      for (const name of ownIndexes(table))
        if (!wanted.some((w) => w.name === name))
          indexSteps.push({ kind: 'drop-index', resource: r.name, name });
    for (const index of wanted)
      if (!have.has(index.name)) indexSteps.push({ kind: 'create-index', resource: r.name, index });
  }
  // Creates first (a new table may be the target of a changed reference), then indexes last.
  const order = ['create-table', 'add-column', 'change-reference', 'drop-index', 'create-index'];
  plan.steps.push(...indexSteps);
  plan.steps.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  return plan;
}
