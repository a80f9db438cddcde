/** Debian's Chromium through playwright-core, for the browser tests: one persistent context in a fresh profile. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { it } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * A browser test's block where Chromium is missing: skipped, with the reason in its name and a
 * warning printed.
 */
export function skipWithoutChromium(title: string): void {
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  console.warn(`[browser] ${title}: ${reason}`);
  it.skip(`${title} (skipped: ${reason})`, () => {});
}
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'verbo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Records a page's uncaught errors and the CSP violations its console reports into `problems`. */
export function watchPage(page: Page, problems: string[]): Page {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
      problems.push(`CSP: ${m.text()}`);
  });
  return page;
}
