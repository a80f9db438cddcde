#!/usr/bin/env node
/**
 * `npm run bench:admin [-- --rows N --runs N --scroll]`: how fast the admin app (docs/admin.md)
 * shows a table, in Debian's Chromium through playwright-core, on loopback. Serves the CRM example
 * from the built package (run `npm run build` first) on a fresh SQLite file with N customers
 * (default 100 000), then for each run opens a new page at `/_admin/#/customers` and reads the time
 * from navigation start to the first row in the DOM (goal: under 1 s). `--scroll` also scrolls to
 * the last row (keyset pages of 500) and reports how long that took. Writes
 * bench/results/admin-paint-latest.json. Never part of `npm test`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = new URL('..', import.meta.url);
const dist = (p) => new URL(`dist/${p}`, ROOT).href;
const { buildApp } = await import(dist('http/app.js'));
const { buildModel, parseConfigText } = await import(dist('model/index.js'));
const { openStore } = await import(dist('store/open-store.js'));
const { planWrite } = await import(dist('write/plan-write.js'));
const { RecordValidator } = await import(dist('write/record-validator.js'));

const { values: a } = parseArgs({
  options: { rows: { type: 'string' }, runs: { type: 'string' }, scroll: { type: 'boolean' } },
});
const rows = Number(a.rows ?? 100_000);
const runs = Number(a.runs ?? 5);

const dir = mkdtempSync(join(tmpdir(), 'verbo-admin-bench-'));
const model = buildModel(
  parseConfigText(readFileSync(new URL('examples/crm/verbo.yaml', ROOT), 'utf8'), 'verbo.yaml'),
);
const store = await openStore(join(dir, 'bench.sqlite'));
await store.sync(model);
const customers = model.byName.get('customers');
const validator = new RecordValidator(model.resources);
const seeded = Date.now();
for (let i = 1; i <= rows; i++) {
  const body = {
    name: `Customer ${i}`,
    email: `c${i}@example.com`,
    status: ['lead', 'active', 'churned'][i % 3],
  };
  await store.insert(customers, planWrite(customers, validator, body, { kind: 'create' }));
}
console.log(`seeded ${rows} customers in ${Date.now() - seeded} ms`);
const app = await buildApp({ model, store, logger: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const firstRow = [];
let scrollMs;
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // The time is taken in the page, when the first row enters the DOM: the server runs in this
    // process, so whatever it does next (a change stream reading its rows) must not delay the reading.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('tbody tr[data-index="0"]')) return;
        globalThis.firstRowAt = performance.now();
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${url}/_admin/#/customers`);
    await page.locator('tbody tr[data-index="0"]').waitFor();
    firstRow.push(await page.evaluate(() => globalThis.firstRowAt));
    if (a.scroll && run === runs - 1) {
      const started = Date.now();
      const scroller = page.locator('.table-scroll');
      while (!((await page.getByTestId('status').textContent()) ?? '').includes('End of list')) {
        await scroller.evaluate((el) => {
          el.scrollTop = el.scrollHeight;
        });
        await page.waitForTimeout(10);
      }
      scrollMs = Date.now() - started;
    }
    await context.close();
  }
} finally {
  await browser.close();
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
const sorted = [...firstRow].sort((x, y) => x - y);
const result = {
  at: new Date().toISOString(),
  rows,
  runs,
  firstRowMs: { median: Math.round(sorted[Math.floor(sorted.length / 2)]), max: Math.round(sorted.at(-1)) },
  goalMs: 1000,
  ...(scrollMs !== undefined ? { scrollToLastRowMs: scrollMs } : {}),
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(new URL('bench/results/admin-paint-latest.json', ROOT), `${JSON.stringify(result, null, 2)}\n`);
