/**
 * The neutral schema vocabulary every dialect speaks: what a database holds (its introspection) and
 * the typed steps that bring it to the model (the plan). Plain data, printable: `formatPlan` gives
 * each step a human description (docs/architecture.md, store section).
 */
import type { StorageKind } from '../../model/field-type.js';

/** A foreign key as the database holds it; `onDelete` normalised (`restrict`, `cascade`, `set-null`, `no action`, …). */
export interface DbForeignKey {
  column: string;
  target: string;
  onDelete: string;
  /** The constraint's name, where the database names constraints (PostgreSQL). */
  name?: string;
}

export interface DbColumn {
  name: string;
  /** The type as the database reports it (`INTEGER`, `timestamp with time zone`, …). */
  type: string;
  notNull: boolean;
}

export interface DbTable {
  name: string;
  columns: Map<string, DbColumn>;
  foreignKeys: DbForeignKey[];
  /** Index names on this table. */
  indexes: Set<string>;
  /** The full-text search index over this table's rows, as the dialect found it (docs/search.md). */
  search?: SearchIndexSpec;
}

/** A resource's full-text search index (`search: true` fields, docs/search.md): its name and fields, in order. */
export interface SearchIndexSpec {
  name: string;
  fields: string[];
}

/** What the database holds: its tables, and each column's storage as verbo recorded it (`_verbo_columns`). */
export interface DbSchema {
  tables: Map<string, DbTable>;
  /** `resource.field` → the storage kind written when the column was made. */
  storages: Map<string, string>;
  /** `resource.field` → the field as last synced (`_verbo_fields`; absent before verbo recorded it). */
  specs: Map<string, FieldSpec>;
}

export interface ReferenceTarget {
  target: string;
  onDelete: string;
  /** The constraint to drop (PostgreSQL). */
  constraint?: string;
}

/** One column of an index, in order. */
export interface IndexColumn {
  field: string;
  descending: boolean;
  /** A nullable column the API sorts NULLs-first on (declared fields, ownerId); not createdAt. */
  nullable: boolean;
}

/**
 * An index verbo keeps: `{table}_{field}_key` (unique) or `{table}_{field}_idx` for one column,
 * `{table}_{a}_{b}_desc_idx` for a declared composite one (schema-planner.ts#indexName).
 */
export interface IndexSpec {
  name: string;
  columns: IndexColumn[];
  unique: boolean;
}

/** What verbo recorded of a field when it last synced (`_verbo_fields`): what tightening is judged against. */
export interface FieldSpec {
  type: string;
  required: boolean;
  values?: string[];
  maxLength?: number;
}

/** A rule a field's stored values must pass before the config may tighten it. */
export type Tightening =
  /** `fill`: the config's default, written into the stored rows that have no value first. */
  | { rule: 'required'; fill?: unknown }
  | { rule: 'enum'; values: string[] }
  | { rule: 'maxLength'; max: number };

export type SchemaStep =
  | { kind: 'create-table'; resource: string }
  | { kind: 'rename-table'; resource: string; from: string }
  | { kind: 'drop-table'; resource: string }
  /** `fill`: the config's default, written into the rows already stored (a new required field). */
  | { kind: 'add-column'; resource: string; field: string; storage: StorageKind; fill?: unknown }
  | { kind: 'rename-column'; resource: string; field: string; from: string }
  | { kind: 'drop-column'; resource: string; field: string }
  | { kind: 'change-type'; resource: string; field: string; from: StorageKind; to: StorageKind }
  | ({ kind: 'tighten'; resource: string; field: string } & Tightening)
  /** A field no longer required: its column's NOT NULL goes. */
  | { kind: 'allow-empty'; resource: string; field: string }
  | { kind: 'create-index'; resource: string; index: IndexSpec }
  /** An index whose table or columns were renamed: renamed in place, its entries kept. */
  | { kind: 'rename-index'; resource: string; from: string; index: IndexSpec }
  | { kind: 'drop-index'; resource: string; name: string }
  /** A search index built over the stored rows (its fields or table changed: dropped first, then built anew). */
  | { kind: 'create-search-index'; resource: string; index: SearchIndexSpec }
  /** `table`: the table it is on when the step runs (drops run first, before a rename). */
  | { kind: 'drop-search-index'; resource: string; table: string; index: SearchIndexSpec }
  /** A foreign key added, removed, or pointed at another table / with another onDelete. */
  | {
      kind: 'change-reference';
      resource: string;
      field: string;
      from?: ReferenceTarget;
      to?: ReferenceTarget;
    };

/**
 * `safe`: no stored value can fail it; `checked`: the stored values are verified first (and the
 * step refused, naming the rows, when some fail); `destructive`: stored data is dropped.
 */
export type Safety = 'safe' | 'checked' | 'destructive';
export const SAFETY_ORDER: Safety[] = ['safe', 'checked', 'destructive'];

/** A step's safety; in `plan`, a step on a table the plan creates is safe (no stored row to verify). */
export function safetyOf(step: SchemaStep, plan?: SchemaPlan): Safety {
  if (plan?.steps.some((s) => s.kind === 'create-table' && s.resource === step.resource)) return 'safe';
  switch (step.kind) {
    case 'drop-table':
    case 'drop-column':
      return 'destructive';
    case 'tighten':
      // A default fills the empty values: no stored row can fail.
      return step.rule === 'required' && step.fill !== undefined ? 'safe' : 'checked';
    case 'change-type':
      return 'checked';
    case 'create-index':
      return step.index.unique ? 'checked' : 'safe';
    case 'change-reference':
      return step.to ? 'checked' : 'safe';
    default:
      return 'safe';
  }
}

export interface SchemaPlan {
  steps: SchemaStep[];
  /** Changes verbo cannot make (a conversion the types cannot do, a rename naming nothing, …). */
  refused: string[];
}

const refText = (r: ReferenceTarget) => `${r.target} (on delete ${r.onDelete})`;
const columnText = (c: IndexColumn) => `${c.descending ? '-' : ''}${c.field}`;

export function describeStep(step: SchemaStep): string {
  const at = 'field' in step ? `${step.resource}.${step.field}` : step.resource;
  switch (step.kind) {
    case 'create-table':
      return `create table ${step.resource}`;
    case 'rename-table':
      return `rename table ${step.from} to ${step.resource}`;
    case 'drop-table':
      return `drop table ${step.resource} (its rows are deleted)`;
    case 'add-column':
      return `add column ${at} (${step.storage})${step.fill !== undefined ? `, stored rows set to ${JSON.stringify(step.fill)}` : ''}`;
    case 'rename-column':
      return `rename column ${step.resource}.${step.from} to ${step.field}`;
    case 'drop-column':
      return `drop column ${at} (its values are deleted)`;
    case 'change-type':
      return `change ${at} from ${step.from} to ${step.to}`;
    case 'tighten':
      if (step.rule === 'required')
        return step.fill === undefined
          ? `require ${at} (no stored value may be empty)`
          : `require ${at}, empty stored values set to ${JSON.stringify(step.fill)}`;
      if (step.rule === 'enum') return `restrict ${at} to ${step.values.join(', ')}`;
      return `limit ${at} to ${step.max} characters`;
    case 'allow-empty':
      return `let ${at} be empty (drop NOT NULL)`;
    case 'rename-index':
      return `rename index ${step.from} to ${step.index.name}`;
    case 'create-index':
      return `create ${step.index.unique ? 'unique ' : ''}index ${step.index.name} on ${step.resource}(${step.index.columns.map(columnText).join(', ')})`;
    case 'drop-index':
      return `drop index ${step.name} on ${step.resource}`;
    case 'create-search-index':
      return `create search index ${step.index.name} on ${step.resource}(${step.index.fields.join(', ')}), filled from the stored rows`;
    case 'drop-search-index':
      return `drop search index ${step.index.name} on ${step.table}`;
    case 'change-reference': {
      if (!step.from) return `add reference ${at} → ${refText(step.to!)}`;
      if (!step.to) return `remove reference ${at} → ${step.from.target}`;
      return `change reference ${at} from ${refText(step.from)} to ${refText(step.to)}`;
    }
  }
}

/** The plan as lines a person reads (`verbo migrate` prints this): each step with its safety. */
export function formatPlan(plan: SchemaPlan): string {
  const lines = plan.steps.map((s, i) => `${i + 1}. ${safetyOf(s, plan).padEnd(11)} ${describeStep(s)}`);
  for (const r of plan.refused) lines.push(`refused: ${r}`);
  return lines.length ? lines.join('\n') : 'the database matches the config';
}
