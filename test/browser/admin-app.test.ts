/**
 * The admin app in a real browser (playwright-core + Debian's Chromium) on the crm-secure example:
 * sign in, create with a field error, fix it, the 412 flow across two tabs, filter and sort,
 * 10 000 rows through keyset paging in a virtualised table, delete, Spanish UI and messages, 375 px.
 * Every main screen is screenshotted (test-results/admin/) and scanned with axe-core.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, startAuthServer } from '../support/auth-harness.js';
import { CHROMIUM, hasChromium, skipWithoutChromium, watchPage } from '../support/chromium.js';
import { describeEachStore } from '../support/store-targets.js';
import {
  CRM_SECURE_YAML,
  ensureAdminBuilt,
  expectAccessible,
  firstCells,
  insertCustomers,
  screenshot,
} from './admin-harness.js';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];
const ROWS = 10_000;

if (!hasChromium) {
  skipWithoutChromium('the admin app in Chromium');
} else {
  describeEachStore('the admin app in Chromium', (target, getDb) => {
    let server: AuthServer;
    let browser: Browser;
    let context: BrowserContext;
    const problems: string[] = [];
    const foreign: string[] = [];
    const shot = (page: Page, name: string) => screenshot(page, `${target.name}-${name}`);
    // The screens do not depend on the store: axe-core (about a second a scan) runs on the first one only.
    const scan = (page: Page, screen: string) =>
      target.name === 'sqlite' ? expectAccessible(page, screen) : Promise.resolve();

    beforeAll(async () => {
      ensureAdminBuilt();
      server = await startAuthServer({ db: getDb(), yaml: CRM_SECURE_YAML });
      await addUser(server, 'root@example.com', 'root-password-123', ['admin']);
      await addUser(server, 'ann@example.com', 'ann-password-123', []);
      await insertCustomers(server.model, server.store, ROWS);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
      context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
      context.on('request', (r) => {
        if (!['127.0.0.1', 'localhost'].includes(new URL(r.url()).hostname)) foreign.push(r.url());
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const watch = (page: Page) => watchPage(page, problems);
    const admin = () => `${server.url}/_admin/`;

    it('signs in, shows who, hides what the caller may not do, signs out', async () => {
      const page = watch(await context.newPage());
      await page.goto(admin());
      await page.getByLabel('Email').waitFor();
      await shot(page, 'sign-in');
      await scan(page, 'sign-in');

      // A caller without roles: may read customers, may not create them (create: role:sales).
      await page.getByLabel('Email').fill('ann@example.com');
      await page.getByLabel('Password').fill('ann-password-123');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId('who').textContent()).toContain('ann@example.com');
      await page.getByRole('link', { name: 'customers' }).click();
      await page.getByRole('heading', { name: 'customers' }).waitFor();
      expect(await page.getByRole('link', { name: 'New customers' }).count()).toBe(0);
      // Bulk (docs/bulk.md): ann may read (export) but not create (import: the import route's rules).
      expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Import' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Password').waitFor();

      await page.getByLabel('Email').fill('root@example.com');
      await page.getByLabel('Password').fill('root-password-123');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId('who').textContent()).toContain('root@example.com');
      await page.close();
    }, 30_000);

    it('creates a customer: the invalid email is named under its field, then fixed', async () => {
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/customers/new`);
      await page.getByLabel('name (required)').fill('Grace Hopper');
      await page.getByLabel('email (required)').fill('not-an-email');
      await page.getByLabel('status').selectOption('active');
      await page.getByRole('button', { name: 'Create' }).click();
      const error = page.getByTestId('error-email');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/email/i);
      expect(await page.getByLabel('email (required)').getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'form-error');
      await scan(page, 'form with a field error');

      await page.getByLabel('email (required)').fill('grace@example.com');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#\/customers\/\d+$/);
      const id = page.url().split('/').pop();
      const stored = await server.request('GET', `/customers/${id}`, { headers: await cookieOf(context) });
      expect(stored.json).toMatchObject({
        name: 'Grace Hopper',
        email: 'grace@example.com',
        status: 'active',
      });
      await page.close();
    }, 30_000);

    it('edits while a second tab changes the record: 412 shows the server version, overwrite wins', async () => {
      const headers = await cookieOf(context);
      const created = await server.request('POST', '/customers', {
        headers: { ...headers, origin: server.url },
        body: { name: 'Ada Lovelace', email: 'ada@example.com' },
      });
      expect(created.status).toBe(201);
      const id = (created.json as { id: number }).id;
      const a = watch(await context.newPage());
      const b = watch(await context.newPage());
      await a.goto(`${admin()}#/customers/${id}`);
      await b.goto(`${admin()}#/customers/${id}`);
      await a.getByLabel('phone').waitFor();
      await b.getByLabel('name (required)').fill('Ada King');
      await b.getByRole('button', { name: 'Save' }).click();
      await b.getByText('Saved.').waitFor();

      await a.getByLabel('phone').fill('+44 20 0000 0000');
      await a.getByRole('button', { name: 'Save' }).click();
      const conflict = a.getByTestId('conflict');
      await conflict.waitFor();
      expect(await conflict.textContent()).toContain('Ada King');
      await shot(a, 'conflict');
      await scan(a, 'conflict');
      await a.getByRole('button', { name: 'Overwrite' }).click();
      await a.getByText('Saved.').waitFor();
      const stored = await server.request('GET', `/customers/${id}`, { headers });
      expect(stored.json).toMatchObject({ name: 'Ada King', phone: '+44 20 0000 0000' });
      await a.close();
      await b.close();
    }, 30_000);

    it('filters and sorts from the model', async () => {
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/customers`);
      await page.getByRole('button', { name: 'Add filter' }).click();
      await page.getByLabel('Field').selectOption('status');
      await page.getByLabel('Operator').selectOption('eq');
      await page.getByLabel('Value').selectOption('churned');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await page.getByLabel('Field').nth(1).selectOption('name');
      await page.getByLabel('Operator').nth(1).selectOption('like');
      await page.getByLabel('Value').nth(1).fill('Customer 0000*');
      await page.getByRole('button', { name: 'Apply' }).click();
      // Customer 00002, 00005, 00008 are the churned ones below 00010 (insertCustomers: statuses in turn).
      // In id order first (ids need not follow names: PostgreSQL inserts them concurrently).
      await expect
        .poll(async () => (await firstCells(page, 'name')).sort())
        .toEqual(['Customer 00002', 'Customer 00005', 'Customer 00008']);
      await page.getByRole('button', { name: 'name' }).click();
      await page.locator('th[aria-sort="ascending"]').waitFor();
      await expect
        .poll(() => firstCells(page, 'name'))
        .toEqual(['Customer 00002', 'Customer 00005', 'Customer 00008']);
      await page.getByRole('button', { name: 'name' }).click();
      await page.locator('th[aria-sort="descending"]').waitFor();
      await expect
        .poll(() => firstCells(page, 'name'))
        .toEqual(['Customer 00008', 'Customer 00005', 'Customer 00002']);
      expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('name');
      await page.getByRole('button', { name: 'Count' }).click();
      await expect.poll(() => page.getByTestId('status').textContent()).toContain('3 records');
      expect(await page.getByRole('button', { name: 'Import' }).count()).toBe(1);
      await shot(page, 'table-filtered');
      await scan(page, 'table');
      await page.close();
    }, 30_000);

    it(`pages through ${ROWS} rows with keyset paging; the DOM keeps only the rows in view`, async () => {
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/customers`);
      await page.locator('tbody tr[data-index="0"]').waitFor();
      const scroller = page.locator('.table-scroll');
      const started = Date.now();
      while (!((await page.getByTestId('status').textContent()) ?? '').includes('End of list')) {
        await scroller.evaluate((el) => {
          el.scrollTop = el.scrollHeight;
        });
        await page.waitForTimeout(20);
        expect(Date.now() - started, 'paging through every row took too long').toBeLessThan(30_000);
      }
      const status = await page.getByTestId('status').textContent();
      expect(status).toContain(`${ROWS + 2} rows loaded`);
      expect(await page.locator('tbody tr[data-index]').count()).toBeLessThan(80);
      await expect
        .poll(() => page.locator('tbody tr[data-index]').last().getAttribute('data-index'))
        .toBe(String(ROWS + 1));
      // Keyboard: Home goes to the first row, Enter opens it.
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-index'));
      await page.locator('tbody tr[data-index]').last().focus();
      await expect.poll(focused).not.toBeNull();
      await page.keyboard.press('Home');
      await expect.poll(focused, { timeout: 5_000 }).toBe('0');
      await page.keyboard.press('ArrowDown');
      await expect.poll(focused, { timeout: 5_000 }).toBe('1');
      await page.keyboard.press('ArrowUp');
      await expect.poll(focused, { timeout: 5_000 }).toBe('0');
      await shot(page, 'table');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/customers\/1$/);
      await page.getByRole('heading', { name: 'customers 1' }).waitFor();
      await shot(page, 'record');
      await scan(page, 'record');
      await page.close();
    }, 40_000);

    it('shows references by their label and to-many counts, as links both ways', async () => {
      const headers = { ...(await cookieOf(context)), origin: server.url };
      const order = await server.request('POST', '/orders', {
        headers,
        body: { customerId: 1, title: 'Renewal', amount: 120 },
      });
      expect(order.status).toBe(201);
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/orders`);
      const link = page.getByRole('link', { name: 'Customer 00001 (#1)' });
      await link.waitFor();
      await link.click();
      await page.waitForURL(/#\/customers\/1$/);
      await page.goto(`${admin()}#/customers`);
      // To-many: the count of the customer's orders, linking to the filtered list.
      await page.locator('tbody tr[data-index="1"]').getByRole('link', { name: 'orders (0) →' }).waitFor();
      await page.locator('tbody tr[data-index="0"]').getByRole('link', { name: 'orders (1) →' }).click();
      await page.waitForURL(/#\/orders\?customerId=1$/);
      await expect.poll(() => firstCells(page, 'title')).toEqual(['Renewal']);
      await page.close();
    }, 20_000);

    it('deletes after confirmation', async () => {
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/customers/2`);
      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await shot(page, 'delete-confirm');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page.waitForURL(/#\/customers$/);
      const gone = await server.request('GET', '/customers/2', { headers: await cookieOf(context) });
      expect(gone.status).toBe(404);
      await page.close();
    }, 20_000);

    it('speaks Spanish to a Spanish browser (UI and server messages), works at 375 px and in dark mode', async () => {
      const es = await browser.newContext({
        locale: 'es-ES',
        viewport: { width: 375, height: 740 },
        colorScheme: 'dark',
        storageState: await context.storageState(),
      });
      const page = watch(await es.newPage());
      await page.goto(`${admin()}#/customers/new`);
      await page.getByRole('button', { name: 'Crear' }).waitFor();
      await page.getByLabel('email (obligatorio)').fill('mal');
      await page.getByRole('button', { name: 'Crear' }).click();
      const error = page.getByTestId('error-email');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/correo/i);
      await shot(page, 'form-es-375-dark');
      await scan(page, 'Spanish form, 375 px, dark');
      // The sidebar folds behind the menu button at 375 px.
      expect(await page.locator('#sidebar').isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Menú' }).click();
      expect(await page.locator('#sidebar').isVisible()).toBe(true);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(375);
      await es.close();
    }, 30_000);

    it('an ended session brings the sign-in form back', async () => {
      const page = watch(await context.newPage());
      await page.goto(`${admin()}#/customers`);
      await page.locator('tbody tr[data-index="0"]').waitFor();
      // The session ends elsewhere (another tab signs out): the next request answers 401.
      const headers = await cookieOf(context);
      expect(
        (await server.request('POST', '/auth/logout', { headers: { ...headers, origin: server.url } }))
          .status,
      ).toBe(204);
      await page.getByRole('button', { name: 'Count' }).click();
      await page.getByLabel('Password').waitFor();
      await page.close();
    }, 20_000);

    it('raised no CSP violation or page error, and asked nothing of another host', () => {
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
    });
  });
}

/** The session cookie of the browser context, as a request header for the test's own calls. */
async function cookieOf(context: BrowserContext): Promise<Record<string, string>> {
  const cookies = await context.cookies();
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}
