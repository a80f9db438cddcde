/**
 * The admin app follows field-level access (docs/rules.md#field-access) in Chromium: a field the
 * caller may not read has no column, filter or form control; one they may not write is shown
 * read-only; a caller the rules admit gets both.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, startAuthServer } from '../support/auth-harness.js';
import { CHROMIUM, hasChromium, skipWithoutChromium } from '../support/chromium.js';
import { describeEachStore } from '../support/store-targets.js';
import { ensureAdminBuilt } from './admin-harness.js';

const YAML = `
name: fields
auth: { registration: closed }
resources:
  contacts:
    access: { read: authenticated, write: authenticated }
    fields:
      name: { type: string, required: true }
      email: { type: email, access: { read: role:sales, write: role:sales } }
      notes: { type: string, access: { write: role:sales } }
`;

if (!hasChromium) {
  skipWithoutChromium('the admin app and field access');
} else {
  describeEachStore('the admin app and field access', (_target, getDb) => {
    let server: AuthServer;
    let browser: Browser;
    beforeAll(async () => {
      ensureAdminBuilt();
      server = await startAuthServer({ db: getDb(), yaml: YAML });
      await addUser(server, 'ann@example.com', 'ann-password-123', []);
      await addUser(server, 'sam@example.com', 'sam-password-123', ['sales']);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function signedIn(email: string, password: string): Promise<Page> {
      const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
      await page.goto(`${server.url}/_admin/`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('who').waitFor();
      return page;
    }

    it('hides what the caller may not read and makes read-only what they may not write', async () => {
      const sam = await signedIn('sam@example.com', 'sam-password-123');
      await sam.goto(`${server.url}/_admin/#/contacts/new`);
      await sam.getByLabel('name (required)').fill('Ada');
      await sam.getByLabel('email').fill('ada@example.com');
      await sam.getByLabel('notes').fill('met at the fair');
      await sam.getByRole('button', { name: 'Create' }).click();
      await sam.waitForURL(/#\/contacts\/\d+$/);
      await sam.goto(`${server.url}/_admin/#/contacts`);
      await sam.getByRole('cell', { name: 'ada@example.com' }).waitFor();
      expect(await sam.getByRole('columnheader', { name: 'email' }).count()).toBe(1);

      const ann = await signedIn('ann@example.com', 'ann-password-123');
      await ann.goto(`${server.url}/_admin/#/contacts`);
      await ann.getByRole('cell', { name: 'Ada' }).waitFor();
      expect(await ann.getByRole('columnheader', { name: 'email' }).count()).toBe(0);
      expect(await ann.getByRole('columnheader', { name: 'notes' }).count()).toBe(1);
      await ann.getByRole('button', { name: 'Add filter' }).click();
      const fieldChoices = await ann.getByLabel('Field').first().locator('option').allTextContents();
      expect(fieldChoices).not.toContain('email');
      expect(fieldChoices).toContain('name');
      await ann.getByRole('cell', { name: 'Ada' }).click();
      await ann.getByLabel('name (required)').waitFor();
      expect(await ann.getByLabel('email').count()).toBe(0);
      // notes: shown (readable), not an input (not writable by ann).
      expect(await ann.getByLabel('notes').count()).toBe(0);
      expect(await ann.getByText('met at the fair').count()).toBe(1);
    }, 60_000);
  });
}
