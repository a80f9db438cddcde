/**
 * The admin app's file fields, live tables and bulk data in Chromium (playwright-core), on the CRM
 * example (customers have an `avatar` file field; no sign-in): upload with the record, preview,
 * errors under the field, replace and remove (docs/files.md); a table and a record page that follow
 * changes made by another client (docs/realtime.md); export of the filtered list and an import job
 * followed to its result (docs/bulk.md); the search box, where the list takes `q` (docs/search.md);
 * the list grouped by a field (docs/aggregates.md).
 * Screenshots under test-results/admin/, axe-core on each new screen.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, startAuthServer } from '../support/auth-harness.js';
import { CHROMIUM, hasChromium, skipWithoutChromium, watchPage } from '../support/chromium.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import {
  ensureAdminBuilt,
  expectAccessible,
  firstCells,
  insertCustomers,
  screenshot,
} from './admin-harness.js';

// The CRM example with its files in the database (the test leaves nothing on disk) and avatars of
// at most 64 KB instead of 5 MB (a file over the limit need not cross the DevTools protocol).
const CRM = readFileSync(CRM_CONFIG, 'utf8');
const YAML = `${CRM.replace('avatar: { type: file, maxSize: 5MB,', 'avatar: { type: file, maxSize: 64KB,')}
storage:
  files: { driver: database }
`;
if (!YAML.includes('maxSize: 64KB')) throw new Error('examples/crm/verbo.yaml: the avatar field changed');
const AVATAR = readFileSync(new URL('../../examples/crm/avatar.png', import.meta.url));
const ROWS = 60;

if (!hasChromium) {
  skipWithoutChromium('the admin app: files, live tables, bulk');
} else {
  describeEachStore('the admin app: files, live tables, bulk', (target, getDb) => {
    let server: AuthServer;
    let browser: Browser;
    let context: BrowserContext;
    const problems: string[] = [];
    const shot = (page: Page, name: string) => screenshot(page, `${target.name}-${name}`);
    const scan = (page: Page, screen: string) =>
      target.name === 'sqlite' ? expectAccessible(page, screen) : Promise.resolve();
    const admin = (hash: string) => `${server.url}/_admin/#/${hash}`;
    const open = async (hash: string) => {
      const page = watchPage(await context.newPage(), problems);
      await page.goto(admin(hash));
      return page;
    };

    beforeAll(async () => {
      ensureAdminBuilt();
      server = await startAuthServer({ db: getDb(), yaml: YAML });
      await insertCustomers(server.model, server.store, ROWS);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('a file field: upload with the record, preview, errors under the field, replace, remove', async () => {
      const page = await open('customers/new');
      await page.getByLabel('name (required)').fill('Ana García');
      await page.getByLabel('email (required)').fill('ana@example.com');
      const chooser = page.getByLabel('avatar', { exact: true });
      await chooser.setInputFiles({ name: 'ana.png', mimeType: 'image/png', buffer: AVATAR });
      await page.getByText('ana.png will be uploaded when you save.').waitFor();
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#\/customers\/\d+$/);
      const id = page.url().split('/').pop();
      // The record page previews the stored image through the API's thumbnail (a data: URL: the CSP).
      const preview = page.getByTestId('preview-avatar').locator('img');
      await expect.poll(() => preview.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      expect(await page.getByRole('link', { name: 'ana.png' }).getAttribute('href')).toBe(
        `/customers/${id}/avatar`,
      );
      expect((await server.request('GET', `/customers/${id}`)).json.avatar).toMatchObject({
        name: 'ana.png',
        type: 'image/png',
        size: AVATAR.length,
      });

      // Too large: refused before any upload, from the limit in /openapi.json (maxSize).
      await chooser.setInputFiles({
        name: 'huge.png',
        mimeType: 'image/png',
        buffer: Buffer.alloc(64 * 1024 + 1),
      });
      await expect.poll(() => page.getByTestId('error-avatar').textContent()).toContain('larger than 64 KB');
      // Not an image: the server sniffs the content and answers 415 (at /avatar), shown under the field.
      await chooser.setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('hello'),
      });
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('error-avatar').textContent())
        .toContain('format is not supported');
      expect(await chooser.getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'file-error');
      await scan(page, 'form with a file field');

      // Replace with another picture, then look at the table: a thumbnail and the name, linked.
      const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
        .png()
        .toBuffer();
      await chooser.setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: red });
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      expect((await server.request('GET', `/customers/${id}`)).json.avatar).toMatchObject({
        name: 'red.png',
      });
      await page.goto(admin('customers?sort=-id'));
      const cell = page.getByRole('link', { name: 'red.png' });
      await cell.waitFor();
      expect(await cell.getAttribute('href')).toBe(`/customers/${id}/avatar`);
      await expect.poll(() => cell.locator('img').getAttribute('src')).toMatch(/^data:image\//);
      await shot(page, 'table-files');

      // Remove.
      await page.goto(admin(`customers/${id}`));
      await page.getByRole('button', { name: 'Remove avatar' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('No file.').waitFor();
      expect((await server.request('GET', `/customers/${id}`)).json.avatar).toBeNull();
      await page.close();
    }, 40_000);

    it('a table and a record page follow changes made elsewhere, keeping scroll and focus', async () => {
      const page = await open('customers?sort=name');
      // The stream is open (it starts after the first page): every later change will come.
      await expect.poll(() => page.getByTestId('status').textContent()).toContain('Live');
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
      // Scroll down and focus a row in view.
      const scroller = page.locator('.table-scroll');
      await scroller.evaluate((el) => {
        el.scrollTop = 20 * 40;
      });
      const row = page.locator('tbody tr', { hasText: 'Customer 00025' });
      await row.focus();
      const before = await scroller.evaluate((el) => el.scrollTop);
      const loaded = async () =>
        Number(/(\d+) rows loaded/.exec((await page.getByTestId('status').textContent()) ?? '')?.[1]);
      const count = await loaded();
      const focusedName = () =>
        page.evaluate(() => document.activeElement?.textContent?.match(/Customer \d+/)?.[0] ?? null);

      // Created by another client, sorting above the rows in view: in place, the view does not move.
      const made = await server.request('POST', '/customers', {
        body: { name: 'Aaron Live', email: 'aaron@example.com' },
      });
      expect(made.status).toBe(201);
      // Above the view, so not in the DOM (virtualised): the count grows and the view moves by one row.
      await expect.poll(loaded).toBe(count + 1);
      expect(await scroller.evaluate((el) => el.scrollTop)).toBe(before + 40);
      expect(await focusedName()).toBe('Customer 00025');
      // Updated: the row in view changes.
      const target = (await server.request('GET', '/customers?name=Customer%2000027')).json[0];
      await server.request('PATCH', `/customers/${target.id}`, { body: { company: 'Live Ltd' } });
      await page.getByRole('cell', { name: 'Live Ltd' }).waitFor();
      // Deleted: the row goes.
      const gone = (await server.request('GET', '/customers?name=Customer%2000026')).json[0];
      expect((await server.request('DELETE', `/customers/${gone.id}`)).status).toBe(204);
      await page.locator('tbody tr', { hasText: 'Customer 00026' }).waitFor({ state: 'detached' });
      expect(await focusedName()).toBe('Customer 00025');
      expect(await page.evaluate(() => (window as unknown as { notReloaded: boolean }).notReloaded)).toBe(
        true,
      );
      await shot(page, 'table-live');

      // The record page says when its record changed on the server, and shows the new version.
      const record = await open(`customers/${target.id}`);
      await record.locator('section[data-live="on"]').waitFor();
      await server.request('PATCH', `/customers/${target.id}`, { body: { phone: '+34 600 000 000' } });
      await record.getByTestId('remote-change').waitFor();
      await scan(record, 'record changed on the server');
      await record.getByRole('button', { name: 'Show the new version' }).click();
      await expect.poll(() => record.getByLabel('phone').inputValue()).toBe('+34 600 000 000');
      await record.close();
      await page.close();
    }, 30_000);

    it('exports the filtered list as CSV and NDJSON, and imports a file with a progress bar', async () => {
      const page = await open('customers?status=churned&sort=name');
      await expect.poll(() => page.getByTestId('status').textContent()).toContain('Live');
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(csv.suggestedFilename()).toBe('customers.csv');
      const lines = readFileSync((await csv.path())!, 'utf8')
        .trim()
        .split('\r\n');
      expect(lines[0]).toMatch(/^id,name,email,/);
      const churned = (await server.request('GET', '/customers?status=churned&limit=1000')).json.length;
      expect(lines.length - 1).toBe(churned);
      expect(lines.slice(1).every((l) => l.includes(',churned,'))).toBe(true);
      const [ndjson] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export NDJSON' }).click(),
      ]);
      const records = readFileSync((await ndjson.path())!, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.map((r) => r.name)).toEqual([...records.map((r) => r.name)].sort());
      expect(records).toHaveLength(churned);

      await page.getByRole('button', { name: 'Import' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('File').setInputFiles({
        name: 'people.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('name,email,status\nIvy,ivy@example.com,churned\nJon,not-an-email,lead\n'),
      });
      await dialog.getByLabel('When a row has errors').selectOption('valid-rows');
      await dialog.getByRole('button', { name: 'Start import' }).click();
      await expect
        .poll(() => dialog.getByTestId('job-result').textContent(), { timeout: 10_000 })
        .toBe('1 created, 0 updated, 0 skipped, 1 failed.');
      expect(await dialog.locator('progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual(
        [2, 2],
      );
      expect(await dialog.locator('.job-errors').textContent()).toMatch(/Row 2 · email: .*email/i);
      await shot(page, 'import-done');
      await scan(page, 'import dialog');
      await dialog.getByRole('button', { name: 'Close' }).click();
      // The live table shows the imported churned customer.
      await page.getByRole('cell', { name: 'Ivy', exact: true }).waitFor();
      await page.close();
    }, 30_000);

    it('searches with q where the list offers it, together with the filters', async () => {
      const page = await open('customers?status=churned');
      const asked: URL[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname === '/customers' && url.searchParams.has('q')) asked.push(url);
      });
      await page.getByLabel('Search customers').fill('customer 0004*');
      // Customer 00041, 00044 and 00047 are the churned ones among 00040…00049 (statuses in turn).
      await expect
        .poll(async () => (await firstCells(page, 'name')).sort())
        .toEqual(['Customer 00041', 'Customer 00044', 'Customer 00047']);
      const url = asked.at(-1)!;
      expect(url.searchParams.get('q')).toBe('customer 0004*');
      expect(url.searchParams.get('status')).toBe('churned');
      expect(url.searchParams.get('sort')).toBe('-relevance');
      await shot(page, 'table-search');
      await scan(page, 'table with search');
      // orders have no searchable field: their list has no q, the app no search box.
      await page.goto(admin('orders'));
      await page.getByRole('heading', { name: 'orders' }).waitFor();
      expect(await page.getByRole('button', { name: 'Count' }).count()).toBe(1);
      expect(await page.getByLabel('Search orders').count()).toBe(0);
      await page.close();
    }, 20_000);

    it('groups the filtered list by a field: counts per group, as GET ?groupBy= answers (docs/aggregates.md)', async () => {
      const page = await open('customers?status[ne]=churned');
      await page.getByRole('heading', { name: 'customers' }).waitFor();
      await page.getByText('Group by', { exact: true }).first().click();
      await page.getByLabel('Group by').selectOption('status');
      const table = page.locator('table.groups-table');
      await table.waitFor();
      const shown = await table
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent).slice(0, 2)),
        );
      const expected = await (
        await fetch(`${server.url}/customers?status[ne]=churned&groupBy=status&sort=-count`)
      ).json();
      expect(shown).toEqual(
        expected.map((g: { status: string; count: number }) => [g.status, String(g.count)]),
      );
      expect(shown.map(([status]) => status)).not.toContain('churned');
      expect(shown.length).toBeGreaterThan(0);
      await shot(page, 'table-groups');
      await scan(page, 'table with groups');
      await page.close();
    }, 20_000);

    it('raised no CSP violation or page error', () => {
      expect(problems).toEqual([]);
    });
  });
}
