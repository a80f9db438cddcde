/**
 * Schema sync, written once: introspect, plan, check, render, run. It is a generator of statements
 * (`SchemaTask`) so one body serves a synchronous driver (better-sqlite3: the whole sync holds the
 * thread, as its immediate transaction must) and an asynchronous one (PostgreSQL). The caller holds
 * the transaction (and any lock), so a refusal anywhere leaves the database as it was.
 */
import type { Model } from '../../model/model-types.js';
import { SchemaChangeRefused } from '../store-errors.js';
import type { DbSchema, SchemaPlan, SchemaStep } from './schema-plan.js';
import { planSchema } from './schema-planner.js';
import {
  bootstrapSql,
  commonStepSql,
  type DdlDialect,
  rememberStoragesSql,
  stepCheckSql,
} from './schema-sql.js';

type Rows = Record<string, unknown>[];
/** One statement; its rows (none for DDL) are sent back into the task. */
export interface SchemaStatement {
  sql: string;
  values?: unknown[];
}
export type SchemaTask<T> = Generator<SchemaStatement, T, Rows>;

/** Runs a statement inside a task: `const rows = yield* run(sql)`. */
export function* run(sql: string, values?: unknown[]): SchemaTask<Rows> {
  return yield { sql, values };
}

/** What a dialect does for schema sync: introspect, and render the steps it writes its own way. */
export interface SchemaDialect extends DdlDialect {
  /** Tables, columns, foreign keys and indexes; `storages` is filled by the caller. */
  introspect(): SchemaTask<Omit<DbSchema, 'storages'>>;
  /** SQL for a step `commonStepSql` leaves to the dialect (changed references). */
  renderStep(step: SchemaStep, context: RenderContext): string[];
}

export interface RenderContext {
  model: Model;
  db: DbSchema;
  /** Tables already rebuilt in this run (a rebuild writes the whole table at once). */
  rebuilt: Set<string>;
}

/** The database as it is, and the plan that brings it to `model`. */
export function* planFor(d: SchemaDialect, model: Model): SchemaTask<{ db: DbSchema; plan: SchemaPlan }> {
  for (const sql of bootstrapSql(d)) yield* run(sql);
  const storages = new Map<string, string>();
  for (const k of yield* run('SELECT resource, field, storage FROM _verbo_columns'))
    storages.set(`${k.resource}.${k.field}`, String(k.storage));
  const db = { ...(yield* d.introspect()), storages };
  return { db, plan: planSchema(model, db, d) };
}

/** Brings the database to `model`, or throws SchemaChangeRefused (the caller rolls back). */
export function* syncSchema(d: SchemaDialect, model: Model): SchemaTask<SchemaPlan> {
  const { db, plan } = yield* planFor(d, model);
  if (plan.refused.length) throw new SchemaChangeRefused(plan.refused);
  const context: RenderContext = { model, db, rebuilt: new Set() };
  for (const step of plan.steps) {
    const check = stepCheckSql(d, step);
    // Earlier steps have run, so a check sees the tables they created.
    if (check && (yield* run(check.sql)).length) throw new SchemaChangeRefused([check.problem]);
    for (const sql of commonStepSql(d, model, step) ?? d.renderStep(step, context)) yield* run(sql);
  }
  const remember = rememberStoragesSql(d, model);
  if (remember.sql) yield* run(remember.sql, remember.values);
  return plan;
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
