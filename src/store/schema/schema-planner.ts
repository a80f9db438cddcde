/**
 * The one schema diff: the declared model against the database's introspection → a plan of typed
 * steps (each safe, checked or destructive: schema-plan.ts#safetyOf), or refusals for what cannot be
 * done. Pure: no SQL, no I/O. Each dialect introspects (`DbSchema`) and renders the steps
 * (docs/architecture.md, store section; docs/migrations.md).
 */
import type { StorageKind } from '../../model/field-type.js';
import {
  extraSystemFields,
  type FieldDef,
  type Model,
  type ResourceDef,
  storedResources,
} from '../../model/model-types.js';
import { indexesOf, indexName, ownIndexes } from './schema-indexes.js';
import type { DbSchema, DbTable, FieldSpec, ReferenceTarget, SchemaPlan, SchemaStep } from './schema-plan.js';
import { diffSearch } from './schema-search.js';

export { indexesOf, indexName } from './schema-indexes.js';

/** Type names as the dialect's introspection reports them, and the conversions it can make. */
export interface StoredTypeNames {
  storedType(storage: StorageKind): string;
  /** The id column's type as introspection reports it, for the id's storage kind. */
  storedIdType(storage: StorageKind): string;
  /** Whether stored values of `from` can be converted to `to` (checked row by row first). */
  converts(from: StorageKind, to: StorageKind): boolean;
}

/** Declared fields plus server-set extra columns (ownerId), which are nullable and indexed. */
export const columnsOf = (r: ResourceDef): FieldDef[] => [...r.fields, ...extraSystemFields(r)];

/** Columns every table has besides its declared fields (`ownerId` is never dropped when it goes). */
const SERVER_COLUMNS = ['id', 'createdAt', 'updatedAt', '_version', 'ownerId'];

/** A stored resource by name (declared or built in). */
export function resourceOf(model: Model, name: string): ResourceDef {
  const r = storedResources(model).find((x) => x.name === name);
  if (!r) throw new Error(`unknown resource ${name}`);
  return r;
}

/** What `_verbo_fields` records of a field: what a later config's tightening is judged against. */
export function specOf(f: FieldDef): FieldSpec {
  const spec: FieldSpec = { type: f.type.name, required: f.required };
  if (Array.isArray(f.options.values)) spec.values = f.options.values as string[];
  if (typeof f.options.maxLength === 'number') spec.maxLength = f.options.maxLength;
  return spec;
}

/** The value written into stored rows that have none when a field becomes required: its default. */
const fillOf = (f: FieldDef): unknown =>
  f.required && f.default !== undefined && !f.reference ? f.default : undefined;

const wantedReference = (f: FieldDef): ReferenceTarget | undefined =>
  f.reference && { target: f.reference.resource, onDelete: f.reference.onDelete };

interface Diff {
  db: DbSchema;
  names: StoredTypeNames;
  plan: SchemaPlan;
  /** Former table name → the resource that takes it. */
  tableRenames: Map<string, string>;
  /** Whether the database held verbo tables before (a rename naming nothing is then an error). */
  used: boolean;
}

/**
 * Stored rows of `r` must pass a tightened rule: the recorded spec says what was allowed before.
 * (`required` is judged against the column's NOT NULL instead: diffColumn.)
 */
function tightenings(r: ResourceDef, f: FieldDef, spec: FieldSpec | undefined): SchemaStep[] {
  if (!spec || f.system) return [];
  const at = { kind: 'tighten' as const, resource: r.name, field: f.name };
  const out: SchemaStep[] = [];
  const now = specOf(f);
  if (now.values && (!spec.values || spec.values.some((v) => !now.values!.includes(v))))
    out.push({ ...at, rule: 'enum', values: now.values });
  if (now.maxLength !== undefined && (spec.maxLength === undefined || spec.maxLength > now.maxLength))
    out.push({ ...at, rule: 'maxLength', max: now.maxLength });
  return out;
}

function diffColumn(r: ResourceDef, f: FieldDef, table: DbTable, claimed: Set<string>, x: Diff): void {
  const { plan } = x;
  let source = f.name;
  if (!table.columns.has(f.name)) {
    const old = f.renamedFrom?.find((o) => table.columns.has(o) && !r.allFields.has(o));
    if (old) {
      source = old;
      claimed.add(old);
      plan.steps.push({ kind: 'rename-column', resource: r.name, field: f.name, from: old });
    } else if (f.renamedFrom?.length) {
      plan.refused.push(
        `${r.name}.${f.name} is renamedFrom ${f.renamedFrom.join(', ')}, but ${table.name} stores no such column (nor ${f.name})`,
      );
      return;
    } else {
      const fill = fillOf(f);
      plan.steps.push({ kind: 'add-column', resource: r.name, field: f.name, storage: f.storage, fill });
      // A new required field without a default: the stored rows would break it (checked: an empty table passes).
      if (f.required && fill === undefined && !f.system)
        plan.steps.push({ kind: 'tighten', resource: r.name, field: f.name, rule: 'required' });
      return;
    }
  }
  const had = table.columns.get(source)!;
  const stored = x.db.storages.get(`${table.name}.${source}`) as StorageKind | undefined;
  if (stored !== undefined ? stored !== f.storage : had.type !== x.names.storedType(f.storage)) {
    if (stored === undefined || !x.names.converts(stored, f.storage)) {
      plan.refused.push(
        `${r.name}.${f.name} would change from ${stored ?? had.type} to ${f.storage} storage, which verbo cannot convert`,
      );
      return;
    }
    plan.steps.push({ kind: 'change-type', resource: r.name, field: f.name, from: stored, to: f.storage });
  }
  // NOT NULL follows `required`: set (checked: no stored row may be empty) or dropped (safe).
  if (f.required && !had.notNull)
    plan.steps.push({ kind: 'tighten', resource: r.name, field: f.name, rule: 'required', fill: fillOf(f) });
  if (!f.required && had.notNull) plan.steps.push({ kind: 'allow-empty', resource: r.name, field: f.name });
  plan.steps.push(...tightenings(r, f, x.db.specs.get(`${table.name}.${source}`)));
  const fk = table.foreignKeys.find((k) => k.column === source);
  const from = fk && { target: fk.target, onDelete: fk.onDelete, constraint: fk.name };
  const to = wantedReference(f);
  // A renamed table's foreign keys follow it (both databases rewrite them with the rename).
  const fromTarget = from && (x.tableRenames.get(from.target) ?? from.target);
  if (fromTarget !== to?.target || from?.onDelete !== to?.onDelete)
    plan.steps.push({ kind: 'change-reference', resource: r.name, field: f.name, from, to });
}

function diffTable(r: ResourceDef, table: DbTable, x: Diff): void {
  const idType = table.columns.get('id')?.type;
  if (idType && idType !== x.names.storedIdType(r.allFields.get('id')!.storage))
    x.plan.refused.push(`${r.name}.id would change type from ${idType} to ${r.idType}`);
  const claimed = new Set<string>();
  for (const f of columnsOf(r)) diffColumn(r, f, table, claimed, x);
  const declared = new Set([...SERVER_COLUMNS, ...r.fields.map((f) => f.name)]);
  for (const c of table.columns.keys())
    if (!declared.has(c) && !claimed.has(c))
      x.plan.steps.push({ kind: 'drop-column', resource: r.name, field: c });
}

/**
 * The index steps of `r`: its wanted indexes kept, created, or — when its table or their columns
 * are renamed by this plan — renamed in place (the name an index had is recomputed from the former
 * table and column names); verbo's other indexes on the table dropped.
 */
function diffIndexes(r: ResourceDef, table: DbTable | undefined, plan: SchemaPlan): SchemaStep[] {
  const steps: SchemaStep[] = [];
  const kept = new Set<string>();
  const formerField = new Map<string, string>();
  for (const s of plan.steps)
    if (s.kind === 'rename-column' && s.resource === r.name) formerField.set(s.field, s.from);
  for (const index of indexesOf(r)) {
    if (table?.name === r.name && table.indexes.has(index.name)) {
      kept.add(index.name);
      continue;
    }
    const columns = index.columns.map((c) => ({ ...c, field: formerField.get(c.field) ?? c.field }));
    const from = table && indexName(table.name, columns, index.unique);
    if (from && table.indexes.has(from) && !kept.has(from)) {
      kept.add(from);
      steps.push({ kind: 'rename-index', resource: r.name, from, index });
    } else steps.push({ kind: 'create-index', resource: r.name, index });
  }
  if (table)
    for (const name of ownIndexes(table))
      if (!kept.has(name)) steps.push({ kind: 'drop-index', resource: r.name, name });
  return steps;
}

/** The order steps run in: tables and columns first (a new table may be a reference's target), indexes last. */
const ORDER: SchemaStep['kind'][] = [
  // A search index reads its table's columns (triggers, a generated column): it goes before they change.
  'drop-search-index',
  'rename-table',
  'create-table',
  'rename-column',
  'add-column',
  'change-type',
  'change-reference',
  'drop-column',
  'tighten',
  'allow-empty',
  'drop-table',
  'drop-index',
  'rename-index',
  'create-index',
  'create-search-index',
];

/** `resources` with each one after those its references name among them (a cycle keeps the given order). */
function targetsFirst(resources: ResourceDef[]): ResourceDef[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const out: ResourceDef[] = [];
  const visiting = new Set<ResourceDef>();
  const visit = (r: ResourceDef) => {
    if (out.includes(r) || visiting.has(r)) return;
    visiting.add(r);
    for (const f of r.fields) {
      const target = f.reference ? byName.get(f.reference.resource) : undefined;
      if (target && target !== r) visit(target);
    }
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

/**
 * Plans the changes that bring `db` to `model`: tables and columns created, renamed (`renamedFrom`),
 * retyped or dropped, tightened rules to verify, references and indexes. A table verbo made for a
 * resource the model no longer names is dropped (destructive); other tables are left alone.
 */
export function planSchema(model: Model, db: DbSchema, names: StoredTypeNames): SchemaPlan {
  const plan: SchemaPlan = { steps: [], refused: [] };
  const resources = storedResources(model);
  const verboTables = new Set([...db.storages.keys()].map((k) => k.slice(0, k.indexOf('.'))));
  const x: Diff = { db, names, plan, tableRenames: new Map(), used: verboTables.size > 0 };
  const tableOf = new Map<ResourceDef, DbTable | undefined>();
  for (const r of resources) {
    let table = db.tables.get(r.name);
    const old = table ? undefined : r.renamedFrom.find((o) => db.tables.has(o) && !model.byName.has(o));
    if (old) {
      table = db.tables.get(old);
      x.tableRenames.set(old, r.name);
      plan.steps.push({ kind: 'rename-table', resource: r.name, from: old });
    } else if (!table && r.renamedFrom.length && x.used)
      plan.refused.push(
        `${r.name} is renamedFrom ${r.renamedFrom.join(', ')}, but the database stores no such table (nor ${r.name})`,
      );
    tableOf.set(r, table);
  }
  const indexSteps: SchemaStep[] = [];
  // New tables in the order of their references (a target before the tables naming it): PostgreSQL
  // refuses a foreign key to a table that does not exist yet, whatever order the config lists them in.
  for (const r of targetsFirst(resources.filter((r) => !tableOf.get(r))))
    plan.steps.push({ kind: 'create-table', resource: r.name });
  for (const r of resources) {
    const table = tableOf.get(r);
    if (table) diffTable(r, table, x);
    indexSteps.push(...diffIndexes(r, table, plan), ...diffSearch(r, table));
  }
  const named = new Set(resources.map((r) => r.name));
  for (const t of verboTables)
    if (db.tables.has(t) && !named.has(t) && !x.tableRenames.has(t))
      plan.steps.push({ kind: 'drop-table', resource: t }, ...diffSearch(undefined, db.tables.get(t)));
  plan.steps.push(...indexSteps);
  plan.steps.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return plan;
}
