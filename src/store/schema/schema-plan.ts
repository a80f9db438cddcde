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
}

/** What the database holds: its tables, and each column's storage as verbo recorded it (`_verbo_columns`). */
export interface DbSchema {
  tables: Map<string, DbTable>;
  /** `resource.field` → the storage kind written when the column was made. */
  storages: Map<string, string>;
}

export interface ReferenceTarget {
  target: string;
  onDelete: string;
  /** The constraint to drop (PostgreSQL). */
  constraint?: string;
}

/** An index verbo keeps on a column: `{table}_{field}_key` (unique) or `{table}_{field}_idx`. */
export interface IndexSpec {
  name: string;
  field: string;
  unique: boolean;
  /** A nullable column the API sorts NULLs-first on (declared fields, ownerId); not createdAt. */
  nullable: boolean;
}

export type SchemaStep =
  | { kind: 'create-table'; resource: string }
  | { kind: 'add-column'; resource: string; field: string; storage: StorageKind }
  | { kind: 'create-index'; resource: string; index: IndexSpec }
  | { kind: 'drop-index'; resource: string; name: string }
  /** A foreign key added, removed, or pointed at another table / with another onDelete. */
  | {
      kind: 'change-reference';
      resource: string;
      field: string;
      from?: ReferenceTarget;
      to?: ReferenceTarget;
    };

export interface SchemaPlan {
  steps: SchemaStep[];
  /** Changes verbo will not make by itself (they would drop or retype data): SchemaChangeRefused. */
  refused: string[];
}

const refText = (r: ReferenceTarget) => `${r.target} (on delete ${r.onDelete})`;

export function describeStep(step: SchemaStep): string {
  switch (step.kind) {
    case 'create-table':
      return `create table ${step.resource}`;
    case 'add-column':
      return `add column ${step.resource}.${step.field} (${step.storage})`;
    case 'create-index':
      return `create ${step.index.unique ? 'unique ' : ''}index ${step.index.name} on ${step.resource}(${step.index.field})`;
    case 'drop-index':
      return `drop index ${step.name} on ${step.resource}`;
    case 'change-reference': {
      const at = `${step.resource}.${step.field}`;
      if (!step.from) return `add reference ${at} → ${refText(step.to!)}`;
      if (!step.to) return `remove reference ${at} → ${step.from.target}`;
      return `change reference ${at} from ${refText(step.from)} to ${refText(step.to)}`;
    }
  }
}

/** The plan as lines a person reads (`verbo migrate` prints this). */
export function formatPlan(plan: SchemaPlan): string {
  const lines = plan.steps.map((s, i) => `${i + 1}. ${describeStep(s)}`);
  for (const r of plan.refused) lines.push(`refused: ${r}`);
  return lines.length ? lines.join('\n') : 'the database matches the config';
}
