/**
 * `verbo check CONFIG --db DB --queries FILE` on every store: a list query that sorts, or scans
 * while filtering, a table past --min-rows gets the `indexes:` line that would serve it; once the
 * index is declared and migrated, the warning is gone (docs/migrations.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli } from '../support/cli-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-check-queries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const PLAIN =
  'resources:\n  customers:\n    fields:\n      name: string\n      status: { type: enum, values: [lead, active], index: true }\n';
const INDEXED = `${PLAIN}    indexes: [[status, -createdAt], [name]]\n`;

describeEachStore('verbo check --queries', (_target, getDb) => {
  it('names the index a slow list query needs, and nothing once it is there', async () => {
    const model = buildModel(parseConfigText(PLAIN, 'verbo.yaml'));
    const store = await openStore(getDb());
    try {
      await store.sync(model);
      for (let i = 0; i < 150; i++)
        await store.insert(model.byName.get('customers')!, {
          name: `n${i}`,
          status: i % 2 ? 'active' : 'lead',
        });
    } finally {
      await store.close();
    }
    const plain = write('plain.yaml', PLAIN);
    const queries = write(
      'queries.txt',
      '# the seed query\nGET /customers?status=active&sort=-createdAt&limit=25\n/customers?name=n3\n/customers?limit=10\n',
    );
    const r = runCli(['check', plain, '--db', getDb(), '--queries', queries, '--min-rows', '100']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(
      '  warning: /customers?status=active&sort=-createdAt&limit=25: sorts 150 customers rows without an index: add to customers: indexes: [[status, -createdAt]]',
    );
    expect(r.stdout).toContain(
      '  warning: /customers?name=n3: scans 150 customers rows without an index: add to customers: indexes: [[name]]',
    );
    expect(r.stdout).not.toContain('limit=10');
    // Under the threshold: no advice.
    expect(runCli(['check', plain, '--db', getDb(), '--queries', queries]).stdout).not.toContain('warning');

    const indexed = write('indexed.yaml', INDEXED);
    expect(runCli(['migrate', indexed, '--db', getDb(), '--apply', '--no-backup']).code).toBe(0);
    const after = runCli(['check', indexed, '--db', getDb(), '--queries', queries, '--min-rows', '100']);
    expect([after.code, after.stdout]).toEqual([0, `${indexed}: OK (customers)\n`]);

    const bad = write('bad.txt', '/nope\n/customers?bad[op]=1\n');
    const refused = runCli(['check', indexed, '--db', getDb(), '--queries', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('/nope: not a list query of the config (404');
    expect(refused.stderr).toContain(
      '/customers?bad[op]=1: not a list query of the config (400: bad[op]: unknown field "bad"',
    );
    // A database behind its config gets no advice.
    const ahead = write(
      'ahead.yaml',
      `${INDEXED}      - [name, -createdAt]\n`.replace(
        '[[status, -createdAt], [name]]\n      - [name, -createdAt]',
        '[[status, -createdAt], [name], [name, -createdAt]]',
      ),
    );
    const behind = runCli(['check', ahead, '--db', getDb(), '--queries', queries]);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toContain('the database is not at the config: run verbo migrate first');
  });
});
