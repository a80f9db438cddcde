#!/usr/bin/env node
/**
 * `npm run fuzz -- --requests N [--seed S] [--db sqlite|postgres|both|postgres://…] [--config crm|crm-secure|both]`
 * Runs test/stress/fuzz.stress.ts (vitest, stress config) with those settings. PostgreSQL needs a
 * server URL: `--db postgres://user@host:5432/db` (a scratch database is created on it and dropped),
 * or `--db postgres` with VERBO_TEST_PG_URL set. On failure every distinct failing request is
 * listed with the seed and the command that replays the run.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run fuzz -- --requests N [--seed S] [--db sqlite|postgres|both|postgres://…] [--config crm|crm-secure|both]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      seed: { type: 'string' },
      db: { type: 'string', default: 'sqlite' },
      config: { type: 'string', default: 'both' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (name, v) => {
  if (!/^\d+$/.test(v)) {
    console.error(`--${name} must be a whole number, got ${v}\n${USAGE}`);
    process.exit(2);
  }
  return v;
};

const env = { ...process.env, VERBO_FUZZ_REQUESTS: int('requests', values.requests) };
if (values.seed !== undefined) env.VERBO_FUZZ_SEED = int('seed', values.seed);
if (/^postgres(ql)?:\/\//.test(values.db)) {
  env.VERBO_TEST_PG_URL = values.db;
  env.VERBO_FUZZ_STORES = 'postgres';
} else if (['sqlite', 'postgres', 'both'].includes(values.db)) {
  env.VERBO_FUZZ_STORES = values.db === 'both' ? 'sqlite,postgres' : values.db;
} else {
  console.error(`--db must be sqlite, postgres, both or a postgres:// URL, got ${values.db}\n${USAGE}`);
  process.exit(2);
}
if (env.VERBO_FUZZ_STORES.includes('postgres') && !env.VERBO_TEST_PG_URL) {
  console.error('PostgreSQL fuzzing needs a server: --db postgres://user@host:5432/db, or set VERBO_TEST_PG_URL');
  process.exit(2);
}
const configs = { crm: 'crm', 'crm-secure': 'crm-secure', both: 'crm,crm-secure' };
if (!configs[values.config]) {
  console.error(`--config must be crm, crm-secure or both, got ${values.config}\n${USAGE}`);
  process.exit(2);
}
env.VERBO_FUZZ_CONFIGS = configs[values.config];

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.stress.config.ts', 'test/stress/fuzz.stress.ts'], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
