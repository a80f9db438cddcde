/**
 * `verbo serve --watch` (docs/migrations.md): a saved config with a safe plan is applied and served
 * on the same socket (a keep-alive connection survives the reload); an invalid config or a plan that
 * needs `verbo migrate` leaves the previous API serving, with the problems or the plan printed.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type Served, serveCli } from '../support/cli-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

/** One request on the shared keep-alive connection: status, JSON body and the client port it used. */
function request(url: string, method = 'GET', body?: unknown) {
  return new Promise<{ status: number; body: Record<string, unknown>; port: number }>((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: text ? JSON.parse(text) : {},
            port: req.socket!.localPort!,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Saves as editors do: a new file renamed over the old one. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function until(served: Served, text: string, from: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const out = served.output().slice(from);
    if (out.includes(text)) return out;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never printed ${JSON.stringify(text)}:\n${served.output().slice(from)}`);
}

describeEachStore('verbo serve --watch', (target, getDb) => {
  it('applies a safe change on the same connection; keeps serving through an invalid or unsafe one', async () => {
    const file = join(dir, `${target.name}.yaml`);
    const v1 = 'resources:\n  customers:\n    fields:\n      name: { type: string, required: true }\n';
    save(file, v1);
    const served = await serveCli([file, '--db', getDb(), '--watch', '--log-level', 'silent']);
    try {
      expect(served.output()).toContain('watching');
      const first = await request(`${served.url}/customers`, 'POST', { name: 'Ann' });
      expect(first.status).toBe(201);
      expect((await request(`${served.url}/customers`, 'POST', { name: 'Bo', phone: '1' })).status).toBe(422);

      let mark = served.output().length;
      save(file, `${v1}      phone: string\n    indexes: [[phone, -createdAt]]\n`);
      const reloaded = await until(served, 'reloaded', mark);
      expect(reloaded).toContain('add column customers.phone (text)');
      expect(reloaded).toContain('create index customers_phone_createdAt_desc_idx');
      const added = await request(`${served.url}/customers`, 'POST', { name: 'Bo', phone: '555' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ name: 'Bo', phone: '555' });
      expect(added.port).toBe(first.port);

      mark = served.output().length;
      save(file, 'resources:\n  customers:\n    fields:\n      name: { type: strin }\n');
      const invalid = await until(served, 'still serving the previous config', mark);
      expect(invalid).toContain('is not valid');
      expect(invalid).toMatch(/strin/);
      const still = await request(`${served.url}/customers?sort=id`);
      expect(still.status).toBe(200);
      expect(still.port).toBe(first.port);

      mark = served.output().length;
      save(file, `${v1}      phone: integer\n    indexes: [[phone, -createdAt]]\n`);
      const unsafe = await until(served, 'still serving the previous config', mark);
      expect(unsafe).toContain('checked     change customers.phone from text to integer');
      expect(unsafe).toContain('verbo migrate');
      // The previous model still serves: phone is text.
      const old = await request(`${served.url}/customers`, 'POST', { name: 'Cy', phone: 'ask Ann' });
      expect(old.status).toBe(201);
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    }
  });
});
