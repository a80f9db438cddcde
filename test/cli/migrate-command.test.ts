/**
 * `verbo migrate` (the built CLI) on every store: the printed plan and its exit codes, --json,
 * --apply with its backup and history, the consent destructive steps need, `verbo serve` applying
 * safe plans only, located config errors, and a migration killed mid-way (docs/migrations.md).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, serveCli } from '../support/cli-harness.js';
import { describeEachStore, describePostgres } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const config = (yaml: string) => {
  const file = join(dir, `v${++n}.yaml`);
  writeFileSync(file, yaml);
  return file;
};

const V1 = `resources:
  customers:
    fields:
      name: { type: string, required: true }
      phone: string
`;
const V2 = `resources:
  customers:
    fields:
      fullName: { type: string, required: true, renamedFrom: [name] }
      phone: integer
      tier: { type: enum, values: [free, pro], required: true, default: free }
    indexes: [[tier, -createdAt]]
`;

async function post(url: string, body: unknown): Promise<void> {
  const r = await fetch(`${url}/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(201);
}

describe('verbo migrate', () => {
  describeEachStore('plan, apply, history', (target, getDb) => {
    it('prints the plan (exit 1), applies it (exit 0), then has nothing to do (exit 0)', async () => {
      const v1 = config(V1);
      const plan = runCli(['migrate', v1, '--db', getDb()]);
      expect(plan.code).toBe(1);
      expect(plan.stdout).toBe(
        '1. safe        create table customers\n2. safe        create index customers_createdAt_idx on customers(createdAt)\n',
      );
      expect(plan.stderr).toContain('2 steps to apply: run with --apply');
      const applied = runCli(['migrate', v1, '--db', getDb(), '--apply']);
      expect([applied.code, applied.stderr]).toEqual([0, '']);
      expect(applied.stdout).toMatch(/applied 2 steps\n$/);
      expect(runCli(['migrate', v1, '--db', getDb()])).toMatchObject({
        code: 0,
        stdout: 'the database matches the config\n',
      });
    });

    it('serve applies a safe plan by itself and refuses a checked one, printing the plan and the command', async () => {
      // A new plain index is a safe step: serve applies it and records it as its own.
      const s = await serveCli([config(`${V1}    indexes: [[phone]]\n`), '--db', getDb()]);
      for (const [name, phone] of [
        ['Ann', '555'],
        ['Bob', '555-1'],
        ['Cy', '12'],
        ['Di', null],
        ['Ed', 'x'],
      ])
        await post(s.url, { name, phone });
      s.child.kill('SIGTERM');
      await s.exited;
      expect(s.output()).not.toContain('verbo migrate');
      const v2 = config(V2);
      const refused = runCli(['serve', v2, '--db', getDb(), '--port', '0']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/checked +change customers\.phone from text to integer/);
      expect(refused.stderr).toContain(`verbo migrate ${v2} --db ${getDb()} --apply\n`);
    });

    it('--json prints the plan; a checked step that rows fail is refused naming them, changing nothing', () => {
      const v2 = config(V2);
      const json = runCli(['migrate', v2, '--db', getDb(), '--json']);
      expect(json.code).toBe(1);
      const plan = JSON.parse(json.stdout);
      expect(
        plan.steps.map((s: { safety: string; description: string }) => `${s.safety} ${s.description}`),
      ).toEqual([
        'safe rename column customers.name to fullName',
        'safe add column customers.tier (text), stored rows set to "free"',
        'checked change customers.phone from text to integer',
        'safe drop index customers_phone_idx on customers',
        'safe create index customers_tier_createdAt_desc_idx on customers(tier, -createdAt)',
      ]);
      expect(plan.steps[2]).toMatchObject({
        kind: 'change-type',
        field: 'phone',
        from: 'text',
        to: 'integer',
      });
      const refused = runCli(['migrate', v2, '--db', getDb(), '--apply', '--no-backup']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('customers.phone → integer: 2 rows cannot convert (ids 2, 5)');
      expect(JSON.parse(runCli(['migrate', v2, '--db', getDb(), '--json']).stdout).steps).toHaveLength(5);
    });

    it('applies once the data converts, keeping every row; backs up SQLite first; records the history', async () => {
      const fix = config(V2.replace('phone: integer', 'phone: string'));
      const applied = runCli(['migrate', fix, '--db', getDb(), '--apply']);
      expect(applied.code).toBe(0);
      if (target.name === 'sqlite') {
        const backup = /^backup: (.+)$/m.exec(applied.stdout)![1];
        expect(existsSync(backup)).toBe(true);
      } else expect(applied.stdout).not.toContain('backup:');
      const s = await serveCli([fix, '--db', getDb()]);
      const rows = await (await fetch(`${s.url}/customers?sort=id`)).json();
      s.child.kill('SIGTERM');
      await s.exited;
      expect(rows.map((r: Record<string, unknown>) => [r.fullName, r.phone, r.tier])).toEqual([
        ['Ann', '555', 'free'],
        ['Bob', '555-1', 'free'],
        ['Cy', '12', 'free'],
        ['Di', null, 'free'],
        ['Ed', 'x', 'free'],
      ]);
      const status = runCli(['migrate', 'status', fix, '--db', getDb()]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^#1 \S+ by cli \(config [0-9a-f]{12}\): 2 steps$/m);
      expect(status.stdout).toMatch(/^#2 \S+ by server \(config [0-9a-f]{12}\): 1 step$/m);
      expect(status.stdout).toContain('    safe create index customers_phone_idx on customers(phone)');
      expect(status.stdout).toMatch(/^#3 \S+ by cli \(config [0-9a-f]{12}\): 4 steps$/m);
      expect(status.stdout).toContain('    safe rename column customers.name to fullName');
      expect(status.stdout).toMatch(/pending: none, the database matches the config\n$/);
    });

    it('a destructive step needs --allow-data-loss', () => {
      const dropped = config(V2.replace('      phone: integer\n', ''));
      const plan = runCli(['migrate', dropped, '--db', getDb(), '--apply', '--no-backup']);
      expect(plan.code).toBe(1);
      expect(plan.stdout).toContain('destructive drop column customers.phone (its values are deleted)');
      expect(plan.stderr).toContain('add --allow-data-loss to apply it');
      const applied = runCli([
        'migrate',
        dropped,
        '--db',
        getDb(),
        '--apply',
        '--allow-data-loss',
        '--no-backup',
      ]);
      expect(applied.code).toBe(0);
      expect(runCli(['migrate', dropped, '--db', getDb()]).code).toBe(0);
      const history = JSON.parse(runCli(['migrate', 'status', dropped, '--db', getDb(), '--json']).stdout);
      expect(history.migrations.at(-1)).toMatchObject({
        who: 'cli',
        steps: ['destructive drop column customers.phone (its values are deleted)'],
      });
    });

    it('a bad rename is a located config error, or a refusal naming what is missing; exit 1', () => {
      const twice = config(
        'resources:\n  customers:\n    fields:\n      a: { type: string, renamedFrom: [x] }\n      b: { type: string, renamedFrom: [x] }\n',
      );
      const r = runCli(['migrate', twice, '--db', getDb()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `${twice}:5 at resources.customers.fields.b.renamedFrom.0: x is already renamed to a`,
      );
      const nothing = config(
        V2.replace('renamedFrom: [name]', 'renamedFrom: [nom]').replace('fullName', 'label'),
      );
      const refused = runCli(['migrate', nothing, '--db', getDb()]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(
        `refused: ${nothing}:4: customers.label is renamedFrom nom, but customers stores no such column (nor label)`,
      );
      const json = config(
        V2.replace('tier: { type: enum, values: [free, pro], required: true, default: free }', 'tier: json'),
      );
      expect(runCli(['migrate', json, '--db', getDb()]).stdout).toContain(
        `refused: ${json}:6: customers.tier would change from text to json storage, which verbo cannot convert`,
      );
    });
  });

  describeEachStore('a migration killed mid-way', (_target, getDb) => {
    it('leaves the database at the old schema; applied again, at the new one', async () => {
      const v1 = config('resources:\n  notes:\n    fields: { title: string, n: string }\n');
      expect(runCli(['migrate', v1, '--db', getDb(), '--apply']).code).toBe(0);
      const s = await serveCli([v1, '--db', getDb()]);
      for (let i = 0; i < 20; i++)
        await fetch(`${s.url}/notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `t${i}`, n: String(i) }),
        });
      s.child.kill('SIGTERM');
      await s.exited;
      const v2 = config(
        'resources:\n  notes:\n    fields: { heading: { type: string, renamedFrom: [title] }, n: integer, extra: boolean }\n    indexes: [[n]]\n',
      );
      const child = spawn(process.execPath, [CLI, 'migrate', v2, '--db', getDb(), '--apply', '--no-backup'], {
        env: { ...process.env, VERBO_TEST_MIGRATE_STEP_DELAY_MS: '20000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise<string | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      // The plan is printed just before the transaction starts; the first step runs, then the pause.
      while (!out.includes('create index')) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const after = runCli(['migrate', v2, '--db', getDb(), '--json']);
      const steps = JSON.parse(after.stdout).steps.map((x: { description: string }) => x.description);
      expect(steps).toEqual([
        'rename column notes.title to heading',
        'add column notes.extra (boolean)',
        'change notes.n from text to integer',
        'create index notes_n_idx on notes(n)',
      ]);
      expect(runCli(['migrate', v2, '--db', getDb(), '--apply', '--no-backup']).code).toBe(0);
      expect(runCli(['migrate', v2, '--db', getDb()]).code).toBe(0);
    }, 90_000); // seven CLI processes, one of them paused: slow on a loaded machine, no timing asserted
  });
});

describePostgres('two instances at once on one PostgreSQL database', (getDb) => {
  it('two `migrate --apply` run one after the other (advisory lock): one applies, the other finds nothing', async () => {
    const db = { db: getDb() };
    const v1 = config(V1);
    expect(runCli(['migrate', v1, '--db', db.db, '--apply']).code).toBe(0);
    const v2 = config(V2.replace('phone: integer', 'phone: string'));
    const [a, b] = await Promise.all([
      runCliAsync(['migrate', v2, '--db', db.db, '--apply']),
      runCliAsync(['migrate', v2, '--db', db.db, '--apply']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // One applies the plan; the other waited for the lock and found nothing left to do (or
    // planned after the first had finished).
    const outs = [a.stdout, b.stdout].map((o) =>
      o.includes('applied 3 steps')
        ? 'applied'
        : o.match(/applied 0 steps|the database matches the config/)?.[0],
    );
    expect(outs.sort()).toEqual([
      'applied',
      expect.stringMatching(/applied 0 steps|the database matches the config/),
    ]);
    // Two servers starting at once on a safe change: both serve, the change is applied once.
    const v3 = config(V2.replace('phone: integer', 'phone: string\n      email: string'));
    const servers = await Promise.all([serveCli([v3, '--db', db.db]), serveCli([v3, '--db', db.db])]);
    for (const s of servers) {
      expect((await fetch(`${s.url}/customers`)).status).toBe(200);
      s.child.kill('SIGTERM');
      await s.exited;
    }
    const history = JSON.parse(runCli(['migrate', 'status', v3, '--db', db.db, '--json']).stdout).migrations;
    expect(history.map((m: { who: string; steps: string[] }) => [m.who, m.steps.length])).toEqual([
      ['cli', 2],
      ['cli', 3],
      ['server', 1],
    ]);
    expect(history[2].steps).toEqual(['safe add column customers.email (text)']);
  }, 90_000); // several CLI processes and two servers: slow on a loaded machine, no timing asserted
});

/** runCli without blocking the test process, so two commands really run at once. */
function runCliAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
