/**
 * Schema sync, written once: introspect, plan, check, render, run, record. It is a generator of
 * statements (`SchemaTask`) so one body serves a synchronous driver (better-sqlite3: the whole sync
 * holds the thread, as its immediate transaction must) and an asynchronous one (PostgreSQL). The
 * caller holds the transaction (and any lock), so a refusal anywhere leaves the database as it was.
 */
import { createHash } from 'node:crypto';
import type { Model } from '../../model/model-types.js';
import { MigrationNeeded, SchemaChangeRefused } from '../store-errors.js';
import {
  type DbSchema,
  describeStep,
  type FieldSpec,
  SAFETY_ORDER,
  type Safety,
  type SchemaPlan,
  type SchemaStep,
  safetyOf,
} from './schema-plan.js';
import { planSchema } from './schema-planner.js';
import {
  bootstrapSql,
  commonStepSql,
  type DdlDialect,
  failingRowsSql,
  fillSql,
  ownColumnsAdded,
  rememberSql,
  type SchemaStatement,
} from './schema-sql.js';

export type { SchemaStatement } from './schema-sql.js';

type Rows = Record<string, unknown>[];
export type SchemaTask<T> = Generator<SchemaStatement, T, Rows>;

/** Runs a statement inside a task: `const rows = yield* run(sql)`. */
export function* run(sql: string, values?: unknown[]): SchemaTask<Rows> {
  return yield { sql, values };
}

/** What a dialect does for schema sync: introspect, and render the steps it writes its own way. */
export interface SchemaDialect extends DdlDialect {
  /** Tables, columns, foreign keys and indexes; `storages` and `specs` are filled by the caller. */
  introspect(): SchemaTask<Omit<DbSchema, 'storages' | 'specs'>>;
  /** SQL for a step `commonStepSql` leaves to the dialect (retype, drop column, changed reference). */
  renderStep(step: SchemaStep, context: RenderContext): string[];
}

export interface RenderContext {
  model: Model;
  db: DbSchema;
  plan: SchemaPlan;
  /** Tables already rebuilt in this run (a rebuild writes the whole table at once). */
  rebuilt: Set<string>;
}

/** Who applied a migration, as `_verbo_migrations` records it. */
export type MigrationSource = 'cli' | 'server';

export interface SyncOptions {
  /**
   * The riskiest step applied; a plan with a riskier one throws MigrationNeeded, changing nothing.
   * Unset: safe and checked steps are applied, and tables the model no longer names are left alone.
   */
  allow?: Safety;
  who?: MigrationSource;
}

/** One applied plan, from `_verbo_migrations`. */
export interface MigrationRecord {
  id: number;
  appliedAt: string;
  configHash: string;
  who: string;
  steps: string[];
}

/** A short fingerprint of the model's stored shape, recorded with each applied plan. */
export function modelHash(model: Model): string {
  const shape = model.resources.map((r) => ({
    name: r.name,
    id: r.idType,
    fields: r.fields.map((f) => [f.name, f.type.name, f.required, f.unique, f.index, f.options]),
    indexes: r.indexes,
  }));
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
}

/**
 * The database as it is, and the plan that brings it to `model`. Reads only: verbo's own tables are
 * read when they exist (a database verbo never synced has none).
 */
export function* planFor(d: SchemaDialect, model: Model): SchemaTask<{ db: DbSchema; plan: SchemaPlan }> {
  const { tables } = yield* d.introspect();
  const storages = new Map<string, string>();
  const specs = new Map<string, FieldSpec>();
  if (tables.has('_verbo_columns'))
    for (const k of yield* run('SELECT resource, field, storage FROM _verbo_columns'))
      storages.set(`${k.resource}.${k.field}`, String(k.storage));
  if (tables.has('_verbo_fields'))
    for (const k of yield* run('SELECT resource, field, spec FROM _verbo_fields'))
      specs.set(`${k.resource}.${k.field}`, JSON.parse(String(k.spec)) as FieldSpec);
  const db = { tables, storages, specs };
  return { db, plan: planSchema(model, db, d) };
}

/** Steps a dialect may write as a table rebuild (SQLite), and the steps that check rows first. */
const REBUILDS: SchemaStep['kind'][] = [
  'change-type',
  'change-reference',
  'drop-column',
  'tighten',
  'allow-empty',
];
const CHECKED: SchemaStep['kind'][] = ['change-type', 'change-reference', 'tighten'];

/** Milliseconds to pause after the first step (test-only: lets a test kill a migration mid-way). */
const stepDelayMs = Number(process.env.VERBO_TEST_MIGRATE_STEP_DELAY_MS ?? 0);
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The migrations applied so far, oldest first (none before verbo kept them). */
export function* historyOf(d: SchemaDialect): SchemaTask<MigrationRecord[]> {
  const { tables } = yield* d.introspect();
  if (!tables.has('_verbo_migrations')) return [];
  const rows = yield* run(
    'SELECT id, applied_at, config_hash, who, steps FROM _verbo_migrations ORDER BY id',
  );
  return rows.map((r) => ({
    id: Number(r.id),
    appliedAt: String(r.applied_at),
    configHash: String(r.config_hash),
    who: String(r.who),
    steps: JSON.parse(String(r.steps)) as string[],
  }));
}

/**
 * Brings the database to `model` and records the plan it applied; throws SchemaChangeRefused (a
 * refusal or a failed check) or MigrationNeeded (a step riskier than `allow`). The caller rolls back.
 */
export function* syncSchema(
  d: SchemaDialect,
  model: Model,
  options: SyncOptions = {},
): SchemaTask<SchemaPlan> {
  for (const sql of bootstrapSql(d)) yield* run(sql);
  const { db, plan } = yield* planFor(d, model);
  for (const c of ownColumnsAdded(d)) if (!db.tables.get(c.table)?.columns.has(c.column)) yield* run(c.sql);
  if (plan.refused.length) throw new SchemaChangeRefused(plan.refused);
  const allow = options.allow ?? 'checked';
  const steps = options.allow ? plan.steps : plan.steps.filter((s) => s.kind !== 'drop-table');
  const applied = { steps, refused: [] };
  if (steps.some((s) => SAFETY_ORDER.indexOf(safetyOf(s, applied)) > SAFETY_ORDER.indexOf(allow)))
    throw new MigrationNeeded(applied, allow);
  const context: RenderContext = { model, db, plan: applied, rebuilt: new Set() };
  const verified = new Set<SchemaStep>();
  for (const [i, step] of steps.entries()) {
    // A step's check runs just before it, after the earlier steps (so it sees the columns they
    // made); a table's checked steps are all verified before the first step that may rebuild it
    // (SQLite rebuilds a table once, to its declared shape, NOT NULL included).
    const due = REBUILDS.includes(step.kind)
      ? [step, ...steps.slice(i + 1).filter((s) => s.resource === step.resource && CHECKED.includes(s.kind))]
      : [step];
    for (const s of due.filter((x) => !verified.has(x))) {
      verified.add(s);
      const fill = fillSql(d, model, s);
      if (fill) yield* run(fill.sql, fill.values);
      const check = failingRowsSql(d, model, s);
      const bad = check ? yield* run(check.sql) : [];
      if (check && bad.length)
        throw new SchemaChangeRefused([
          check.problem(
            Number(bad[0].n),
            bad.map((r) => r.id),
          ),
        ]);
    }
    const statements: SchemaStatement[] =
      commonStepSql(d, model, step) ?? d.renderStep(step, context).map((sql) => ({ sql }));
    for (const s of statements) yield* run(s.sql, s.values);
    if (i === 0 && stepDelayMs > 0) pause(stepDelayMs);
  }
  const gone = steps.flatMap((s) =>
    s.kind === 'rename-table' ? [s.from] : s.kind === 'drop-table' ? [s.resource] : [],
  );
  for (const s of rememberSql(d, model, gone)) yield* run(s.sql, s.values);
  if (steps.length)
    yield* run(
      `INSERT INTO _verbo_migrations (applied_at, config_hash, who, steps) VALUES (${d.param(1)}, ${d.param(2)}, ${d.param(3)}, ${d.param(4)})`,
      [
        new Date().toISOString(),
        modelHash(model),
        options.who ?? 'server',
        JSON.stringify(steps.map((s) => `${safetyOf(s, applied)} ${describeStep(s)}`)),
      ],
    );
  return applied;
}

/** Drives a task with a synchronous driver. */
export function runTaskSync<T>(task: SchemaTask<T>, exec: (s: SchemaStatement) => Rows): T {
  let next = task.next();
  while (!next.done) next = task.next(exec(next.value));
  return next.value;
}

/** Drives a task with an asynchronous driver. */
export async function runTask<T>(
  task: SchemaTask<T>,
  exec: (s: SchemaStatement) => Promise<Rows>,
): Promise<T> {
  let next = task.next();
  while (!next.done) next = task.next(await exec(next.value));
  return next.value;
}
