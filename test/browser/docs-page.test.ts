/**
 * The interactive docs in a real browser (playwright-core + Debian's Chromium): the page shows the
 * resources, sends a request from "Try it out", and never asks anything of a host but this server.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasChromium, launchChromium, skipWithoutChromium, watchPage } from '../support/chromium.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

if (!hasChromium) {
  skipWithoutChromium('the docs page in Chromium');
} else {
  describeEachStore('the docs page in Chromium', (_target, getDb) => {
    const server = useServer(getDb);
    let context: BrowserContext;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;

    beforeAll(async () => {
      browser = await launchChromium();
      context = browser.context;
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows customers and orders, sends GET /customers from the page (200), and stays on localhost', async () => {
      const created = await server().request('POST', '/customers', {
        body: customer('browser', { name: 'Grace Hopper' }),
      });
      expect(created.status).toBe(201);
      const requests: string[] = [];
      const problems: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = watchPage(await context.newPage(), problems);

      await page.goto(`${server().url}/docs`, { waitUntil: 'load' });
      await page.waitForSelector('.opblock-tag[data-tag="orders"]', { timeout: 15_000 });
      const tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
      expect(tags).toEqual(['customers', 'orders', 'jobs', 'batch']);

      const op = page.locator('#operations-customers-listCustomers');
      await op.locator('.opblock-summary').click();
      await op.locator('button.try-out__btn').click();
      // Filters are input fields (a text box, a list for an enum), not JSON boxes to fill by hand.
      const row = (name: string) => op.locator(`tr[data-param-name="${name}"][data-param-in="query"]`);
      await expect.poll(() => row('name').locator('input').count()).toBe(1);
      expect(await row('name[like]').locator('input').count()).toBe(1);
      expect(await row('status').locator('select').count()).toBe(1);
      expect(await op.locator('.parameters textarea').count()).toBe(0);
      await row('name[like]').locator('input').fill('Grace*');
      const answered = page.waitForResponse(
        (r) =>
          new URL(r.url()).pathname === '/customers' &&
          new URL(r.url()).searchParams.get('name[like]') === 'Grace*' &&
          r.request().method() === 'GET',
      );
      await op.locator('button.execute').click();
      expect((await answered).status()).toBe(200);
      const status = op.locator('.live-responses-table .response .response-col_status').first();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toBe('200');
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property
      await expect.poll(() => op.locator('.live-responses-table').innerText()).toContain('Grace Hopper');

      expect(problems).toEqual([]);
      expect(requests.length).toBeGreaterThan(5);
      const foreign = requests.filter((u) => !['127.0.0.1', 'localhost'].includes(new URL(u).hostname));
      expect(foreign, `requests that left localhost: ${foreign.join(', ')}`).toEqual([]);
      await page.close();
    }, 60_000);
  });
}
