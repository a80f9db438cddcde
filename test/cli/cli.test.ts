/** The `verbo` command through a real process: check, serve, flags, shutdown, schema changes, logs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG, CRM_SEED } from '../support/http-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-cli-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('verbo check', () => {
  it('accepts the CRM example', () => {
    const r = runCli(['check', CRM_CONFIG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK (customers, orders)');
  });

  it('lists every problem with file, line and path, without a stack trace, and exits 1', () => {
    const bad = write(
      'bad.yaml',
      'resources:\n  items:\n    fields:\n      a: { type: nope }\n      b: { type: enum }\n',
    );
    const r = runCli(['check', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:4 at resources.items.fields.a.type: unknown type "nope"`);
    expect(r.stderr).toContain('resources.items.fields.b.values');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve refuses a bad config the same way', () => {
    const bad = write('bad2.yaml', 'resources:\n  items:\n    fields: {}\n');
    const r = runCli(['serve', bad, '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('resources.items.fields: must declare at least one field');
  });
});

describe('flags', () => {
  it('--help everywhere', () => {
    for (const args of [['--help'], ['serve', '--help'], ['check', '--help']]) {
      const r = runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: verbo/);
    }
  });

  it('a wrong flag gets a one-line error and the usage', () => {
    const r = runCli(['serve', CRM_CONFIG, '--prot', '1']);
    expect(r.code).toBe(2);
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).toMatch(/^verbo serve: .*--prot/);
    expect(rest.join('\n')).toContain('Usage: verbo serve');
    expect(runCli(['frobnicate']).code).toBe(2);
  });
});

describe('verbo serve', () => {
  it('seeds an empty database, logs one line per request, and exits 0 on SIGTERM', async () => {
    const db = join(dir, 'crm.sqlite');
    const s = await serveCli([CRM_CONFIG, '--db', db, '--seed', CRM_SEED]);
    const list = await fetch(`${s.url}/customers?count=true&limit=1`, {
      headers: { 'x-request-id': 'log-check-1' },
    });
    expect(list.headers.get('x-total-count')).toBe('20');
    const orders = await (await fetch(`${s.url}/orders?limit=1000`)).json();
    expect(orders.length).toBeGreaterThan(20);
    await new Promise((r) => setTimeout(r, 100));
    const line = s
      .output()
      .split('\n')
      .find((l) => l.includes('log-check-1'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      traceId: 'log-check-1',
      method: 'GET',
      url: '/customers?count=true&limit=1',
      status: 200,
    });
    expect(typeof JSON.parse(line!).durationMs).toBe('number');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);

    const again = await serveCli([CRM_CONFIG, '--db', db, '--seed', CRM_SEED]);
    const count = (await fetch(`${again.url}/customers?count=true&limit=1`)).headers.get('x-total-count');
    expect(count).toBe('20');
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('lets an in-flight request finish on SIGTERM', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', ':memory:']);
    const body = JSON.stringify({ name: 'Late', email: 'late@example.com' });
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${s.url}/customers`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      // Half the body now: the request is in flight when SIGTERM arrives; the rest after.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    expect(status).toBe(201);
    expect(JSON.parse(text).email).toBe('late@example.com');
    expect(await s.exited).toBe(0);
  });

  it('adds new fields as columns, and refuses to start on a retype or a drop (the plan and the command printed)', async () => {
    const db = join(dir, 'evolve.sqlite');
    const v1 = write('v1.yaml', 'resources:\n  notes:\n    fields:\n      title: string\n      body: text\n');
    const s1 = await serveCli([v1, '--db', db]);
    await fetch(`${s1.url}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"a","body":"b"}',
    });
    s1.child.kill('SIGTERM');
    await s1.exited;

    const v2 = write(
      'v2.yaml',
      'resources:\n  notes:\n    fields:\n      title: string\n      body: text\n      pinned: boolean\n',
    );
    const s2 = await serveCli([v2, '--db', db]);
    const note = await (await fetch(`${s2.url}/notes/1`)).json();
    expect(note).toMatchObject({ title: 'a', body: 'b', pinned: null });
    s2.child.kill('SIGTERM');
    await s2.exited;

    const v3 = write(
      'v3.yaml',
      'resources:\n  notes:\n    fields:\n      title: integer\n      pinned: boolean\n',
    );
    const r = runCli(['serve', v3, '--db', db, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/checked +change notes\.title from text to integer/);
    expect(r.stderr).toMatch(/destructive +drop column notes\.body/);
    expect(r.stderr).toContain(`verbo migrate ${v3} --db ${db} --apply --allow-data-loss`);
  });
});
