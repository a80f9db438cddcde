/**
 * `verbo migrate [CONFIG] --db DB`: the plan from the database to the config, one line per step
 * marked safe / checked / destructive (docs/migrations.md). Exit 0 when there is nothing to do, 1
 * otherwise (CI detects drift). `--apply` applies it all in one transaction; `status` lists history.
 */
import { existsSync } from 'node:fs';
import { buildModel, type LoadedConfig, loadConfigFile } from '../model/index.js';
import type { Model } from '../model/model-types.js';
import { openStore } from '../store/open-store.js';
import { describeStep, formatPlan, type SchemaPlan, safetyOf } from '../store/schema/schema-plan.js';
import type { Store } from '../store/store.js';
import { MigrationNeeded } from '../store/store-errors.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { configPath } from './config-path.js';

export const MIGRATE_USAGE = `Usage: verbo migrate [CONFIG] [options]
       verbo migrate status [CONFIG] [options]

Prints the plan that brings the database to CONFIG (default: ./verbo.yaml or ./verbo.json), one
line per step marked safe, checked (stored values are verified first) or destructive (data is
dropped). Exits 0 when the database matches the config, 1 otherwise. Changes nothing unless --apply.

Options:
  --db PATH|URL      SQLite file or postgres://… (default ./data/verbo.sqlite, or $DATABASE_URL)
  --apply            apply the whole plan in one transaction (all steps or none)
  --allow-data-loss  with --apply: also apply destructive steps
  --no-backup        with --apply on SQLite: skip the copy written first (VACUUM INTO)
  --json             print the plan (or the history) as JSON
  -h, --help         show this help

'status' lists the migrations applied so far (time, who, config hash, steps).`;

const stepJson = (plan: SchemaPlan) =>
  plan.steps.map((s) => ({ ...s, safety: safetyOf(s, plan), description: describeStep(s) }));

/** `data/verbo.sqlite` → `data/verbo.sqlite.before-migrate-20260102T030405Z.sqlite`. */
const backupPath = (db: string) =>
  `${db}.before-migrate-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.sqlite`;

export async function migrateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    db: { type: 'string' },
    apply: { type: 'boolean' },
    'allow-data-loss': { type: 'boolean' },
    'no-backup': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(MIGRATE_USAGE);
    return 0;
  }
  const status = positionals[0] === 'status';
  const rest = status ? positionals.slice(1) : positionals;
  if (rest.length > 1) throw new UsageError(`unexpected argument: ${rest[1]}`);
  if (status && (values.apply || values['allow-data-loss']))
    throw new UsageError('status only reads: it takes no --apply');
  if (values['allow-data-loss'] && !values.apply) throw new UsageError('--allow-data-loss goes with --apply');
  const file = configPath(rest[0]);
  const loaded = loadConfigFile(file);
  const model = buildModel(loaded);
  const db = values.db ?? process.env.DATABASE_URL ?? 'data/verbo.sqlite';
  const existed = /^postgres(ql)?:/.test(db) || existsSync(db);
  const store = await openStore(db, { poolSize: 1 });
  try {
    if (status) return await printStatus(store, model, values.json === true);
    const planned = await store.plan(model);
    const plan = { ...planned, refused: planned.refused.map((r) => locate(loaded, r)) };
    const loss = plan.steps.some((s) => safetyOf(s, plan) === 'destructive');
    const out = {
      steps: stepJson(plan),
      refused: plan.refused,
      applied: false,
      backup: undefined as string | undefined,
    };
    const print = () =>
      values.json ? console.log(JSON.stringify(out, null, 2)) : console.log(formatPlan(plan));
    if (!values.apply || plan.refused.length || plan.steps.length === 0) {
      print();
      if (!values.json && plan.steps.length && !plan.refused.length)
        console.error(
          `\nverbo migrate: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} to apply: run with --apply${loss ? ' --allow-data-loss (destructive steps drop data)' : ''}`,
        );
      return plan.steps.length || plan.refused.length ? 1 : 0;
    }
    if (loss && !values['allow-data-loss']) {
      print();
      console.error(
        '\nverbo migrate: the plan drops data (destructive steps): add --allow-data-loss to apply it',
      );
      return 1;
    }
    if (!values.json) console.log(formatPlan(plan));
    // A database file that did not exist before this command has nothing to keep.
    if (store.backup && existed && !values['no-backup']) {
      out.backup = backupPath(db);
      await store.backup(out.backup);
      if (!values.json) console.log(`backup: ${out.backup}`);
    }
    // The plan is made again inside the transaction (another process may have migrated meanwhile).
    const applied = await store.sync(model, {
      allow: values['allow-data-loss'] ? 'destructive' : 'checked',
      who: 'cli',
    });
    Object.assign(out, { steps: stepJson(applied), applied: true });
    if (values.json) print();
    else console.log(`applied ${applied.steps.length} step${applied.steps.length === 1 ? '' : 's'}`);
    return 0;
  } finally {
    await store.close();
  }
}

async function printStatus(store: Store, model: Model, json: boolean): Promise<number> {
  const history = await store.migrations();
  const pending = await store.plan(model);
  if (json) {
    console.log(
      JSON.stringify({ migrations: history, pending: stepJson(pending), refused: pending.refused }, null, 2),
    );
  } else {
    if (!history.length) console.log('no migrations recorded');
    for (const m of history) {
      console.log(
        `#${m.id} ${m.appliedAt} by ${m.who} (config ${m.configHash}): ${m.steps.length} step${m.steps.length === 1 ? '' : 's'}`,
      );
      for (const s of m.steps) console.log(`    ${s}`);
    }
    const n = pending.steps.length + pending.refused.length;
    console.log(
      n
        ? `pending: ${n} step${n === 1 ? '' : 's'} (run verbo migrate to see them)`
        : 'pending: none, the database matches the config',
    );
  }
  return 0;
}

/** `customers.phone …` → `verbo.yaml:7: customers.phone …`: a refusal located at the field (or resource) it names. */
function locate(loaded: LoadedConfig, refusal: string): string {
  const m = /^([a-z][a-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\b/.exec(refusal);
  if (!m) return refusal;
  const line =
    (m[2] && loaded.lineOf(['resources', m[1], 'fields', m[2]])) || loaded.lineOf(['resources', m[1]]);
  return line ? `${loaded.file}:${line}: ${refusal}` : refusal;
}

/**
 * Schema sync as `verbo serve` does it: safe steps only, recorded as the server's. Anything else
 * stops the start with the plan and the command that applies it.
 */
export async function syncForServe(store: Store, model: Model, file: string, db: string): Promise<void> {
  try {
    await store.sync(model, { allow: 'safe', who: 'server' });
  } catch (e) {
    if (!(e instanceof MigrationNeeded)) throw e;
    const loss = e.plan.steps.some((s) => safetyOf(s, e.plan) === 'destructive');
    throw new Error(
      `${e.message}\nverbo serve applies safe steps by itself, nothing else. Review the plan, then run:\n  verbo migrate ${file} --db ${db} --apply${loss ? ' --allow-data-loss' : ''}`,
    );
  }
}
