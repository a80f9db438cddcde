/**
 * The bulk round trip at full size (`npm run test:stress`, issue 16's "Done when"):
 * VERBO_STRESS_ROUNDTRIP_ROWS (default 1 000 000) CRM customers, generated as NDJSON (distinct
 * emails; names with accents, quotes, commas and line breaks; json tags on some rows, a null phone
 * on others, an empty-text company on others), `verbo import` into database A, `verbo export
 * customers --format csv` of A to a file, `verbo import` of that CSV into an empty database B of the
 * same store, then A and B compared row by row, in id order, 5 000 rows at a time (never the whole
 * table in memory).
 *
 * What the contract keeps (docs/bulk.md "What a row may carry"): ids and every field value. Not
 * `createdAt`/`updatedAt` (an import stamps its records as any write does) nor `_version`: those
 * are left out of the comparison; `ownerId` (the local operator in both imports) is compared.
 * Prints rows/s and the peak RSS (VmHWM, polled) of each CLI process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model, ResourceDef } from '../../src/model/model-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Row } from '../../src/store/store.js';
import { CLI } from '../support/cli-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { describeEachStore, storeTargets } from '../support/store-targets.js';

const N = Number(process.env.VERBO_STRESS_ROUNDTRIP_ROWS ?? 1_000_000);
const PAGE = 5000;

const FIRST = ['Ana', 'José', 'Zoë', 'Łukasz', 'François', 'Nuño', 'Søren', 'Ünal', "O'Brien", 'Ærin'];
const LAST = ['García', 'Müller', 'Dvořák', 'Nguyễn', '"The Boss"', 'Smith, Jr.', 'Côté', 'Ødegaard'];

/** Customer i (0-based) as an NDJSON line: every kind of cell CSV has to quote or tell apart. */
function customer(i: number): string {
  const row: Record<string, unknown> = {
    name: `${FIRST[i % FIRST.length]} ${LAST[(i >> 3) % LAST.length]}${i % 97 === 0 ? '\nsecond line' : ''} #${i}`,
    email: `customer-${i}@example.com`,
    status: ['lead', 'active', 'churned'][i % 3],
  };
  if (i % 4 === 0) row.phone = null;
  else if (i % 4 === 1) row.phone = `+34 600 ${String(i).padStart(7, '0')}`;
  if (i % 5 === 0) row.tags = ['vip', `cohort-${i % 11}`, { note: 'said "hi", then left', n: i }];
  else if (i % 5 === 1) row.tags = { plan: 'pro', seats: i % 50, trial: i % 2 === 0 };
  else if (i % 5 === 2) row.tags = null;
  if (i % 7 === 0) row.company = '';
  else if (i % 7 === 1) row.company = `Acme, "Ltd" ${i % 13}`;
  return `${JSON.stringify(row)}\n`;
}

async function writeCustomers(file: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < N; i++)
    if (!out.write(customer(i))) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(r));
}

interface Run {
  code: number | null;
  seconds: number;
  peakMb: number;
  stderr: string;
}

/** Runs the built CLI; stdout to `stdoutFile` when given. Wall time, exit code, peak RSS (VmHWM polled). */
function runMeasured(args: string[], stdoutFile?: string): Promise<Run> {
  const fd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', fd ?? 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {}
  }, 50);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(poll);
      if (fd !== undefined) closeSync(fd);
      resolve({
        code,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakMb: Math.round(peakKb / 1024),
        stderr,
      });
    }),
  );
}

const figure = (step: string, r: Run) =>
  `${step}: ${r.seconds.toFixed(1)} s, ${Math.round(N / r.seconds)} rows/s, peak RSS ${r.peakMb} MB`;

/** A row as the round trip must keep it: everything but the stamps. */
function kept(row: Row): Record<string, unknown> {
  const { _version, createdAt, updatedAt, ...rest } = row;
  return rest;
}

/** Walks A and B in id order, PAGE rows at a time; the first differences (at most 5) and the row counts. */
async function compareTables(dbA: string, dbB: string, customers: ResourceDef, model: Model) {
  const [a, b] = [await openStore(dbA), await openStore(dbB)];
  const differences: string[] = [];
  let rowsA = 0;
  let rowsB = 0;
  try {
    await a.sync(model);
    await b.sync(model);
    let after: unknown;
    for (;;) {
      const query = {
        where: after === undefined ? [] : [{ field: 'id', op: 'gt' as const, value: after }],
        sort: [{ field: 'id', desc: false }],
        limit: PAGE,
      };
      const [pageA, pageB] = await Promise.all([a.list(customers, query), b.list(customers, query)]);
      rowsA += pageA.length;
      rowsB += pageB.length;
      for (let k = 0; k < Math.max(pageA.length, pageB.length) && differences.length < 5; k++) {
        // A holds what was generated (ids 1…N in input order), so an equal B is not equal by accident.
        if (pageA[k]) {
          const { id, name, email, status, phone, company, tags } = pageA[k];
          const input = { phone: null, company: null, tags: null, ...JSON.parse(customer(Number(id) - 1)) };
          try {
            expect({ name, email, status, phone, company, tags }).toEqual(input);
          } catch {
            differences.push(`A ${JSON.stringify(pageA[k])}\n  input ${JSON.stringify(input)}`);
          }
        }
        const [left, right] = [pageA[k] && kept(pageA[k]), pageB[k] && kept(pageB[k])];
        try {
          expect(right).toEqual(left);
        } catch {
          differences.push(`A ${JSON.stringify(left)}\n  B ${JSON.stringify(right)}`);
        }
      }
      if (pageA.length < PAGE && pageB.length < PAGE) break;
      // Both pages are full here, or one is short: then the counts differ and the next page tells.
      after = (pageA.at(-1) ?? pageB.at(-1))!.id;
    }
  } finally {
    await a.close();
    await b.close();
  }
  return { rowsA, rowsB, differences };
}

describeEachStore('bulk round trip at full size', (target, getDb) => {
  it(`${N} customers: NDJSON import → CSV export → import into an empty database gives an equal table`, async () => {
    const model = buildModel(parseConfigText(readFileSync(CRM_CONFIG, 'utf8'), 'verbo.yaml'));
    const customers = model.byName.get('customers')!;
    const dir = mkdtempSync(join(tmpdir(), 'verbo-roundtrip-'));
    const other = await storeTargets.find((t) => t.name === target.name)!.create();
    const figures: string[] = [];
    try {
      const ndjson = join(dir, 'customers.ndjson');
      const csv = join(dir, 'customers.csv');
      await writeCustomers(ndjson);
      const common = ['--config', CRM_CONFIG];

      const first = await runMeasured([
        'import',
        ndjson,
        '--resource',
        'customers',
        ...common,
        '--db',
        getDb(),
      ]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain(`${N} created`);
      figures.push(figure('import NDJSON → A', first));

      const exported = await runMeasured(
        ['export', 'customers', '--format', 'csv', ...common, '--db', getDb()],
        csv,
      );
      expect(exported.code, exported.stderr).toBe(0);
      figures.push(`${figure('export A → CSV', exported)}, ${(statSync(csv).size / 2 ** 20).toFixed(0)} MB`);

      const second = await runMeasured([
        'import',
        csv,
        '--resource',
        'customers',
        ...common,
        '--db',
        other.db,
      ]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain(`${N} created`);
      figures.push(figure('import CSV → B', second));

      const started = process.hrtime.bigint();
      const { rowsA, rowsB, differences } = await compareTables(getDb(), other.db, customers, model);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      figures.push(
        `compare A = B: ${seconds.toFixed(1)} s, ${Math.round((rowsA + rowsB) / seconds)} rows/s read`,
      );
      console.log(`[bulk round trip ${target.name}] ${N} rows\n  ${figures.join('\n  ')}`);
      expect(differences, differences.join('\n')).toEqual([]);
      expect(rowsA).toBe(N);
      expect(rowsB).toBe(N);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await other.cleanup();
    }
  });
});
