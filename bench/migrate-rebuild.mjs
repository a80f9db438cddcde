#!/usr/bin/env node
/**
 * A migration that rebuilds a large SQLite table: `node bench/migrate-rebuild.mjs [--rows 1000000]`.
 * Fills `notes` with ROWS rows, then times `verbo migrate --apply` retyping a column (SQLite rebuilds
 * the whole table in one transaction, docs/migrations.md) and prints its wall time and peak RSS.
 * The bar: 1 000 000 rows in under 60 s, peak RSS under 250 MB. Build first (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({ options: { rows: { type: 'string' } } });
const rows = Number(values.rows ?? 1_000_000);
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-migrate-bench-'));
const config = (fields) => {
  const file = join(dir, 'verbo.yaml');
  writeFileSync(file, `resources:\n  notes:\n    fields: { ${fields} }\n    indexes: [[n, -createdAt]]\n`);
  return file;
};
/** Runs the CLI in a node that reports its peak RSS (KiB) on exit (`-e` has no script path: 'verbo' stands in). */
const migrate = (file, db) => {
  const wrapper = `process.on('exit', () => console.error('maxrss_kib', process.resourceUsage().maxRSS)); await import(${JSON.stringify(cli)});`;
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      wrapper,
      '--',
      'verbo',
      'migrate',
      file,
      '--db',
      db,
      '--apply',
      '--no-backup',
    ],
    {
      encoding: 'utf8',
    },
  );
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`verbo migrate failed:\n${r.stdout}\n${r.stderr}`);
  return { ms, rssMb: Number(/maxrss_kib (\d+)/.exec(r.stderr)[1]) / 1024, out: r.stdout };
};
try {
  const db = join(dir, 'bench.sqlite');
  migrate(config('title: string, n: string'), db);
  const sqlite = new Database(db);
  sqlite.exec(`WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < ${rows})
    INSERT INTO notes (title, n, createdAt, updatedAt)
    SELECT 'note ' || x, CAST(x % 1000 AS TEXT), '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM i`);
  sqlite.close();
  const r = migrate(config('title: string, n: integer'), db);
  console.log(r.out.trim());
  console.log(`${rows} rows: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
