/**
 * What the admin app's browser test needs around Chromium: the crm-secure server with users made
 * in the store, many customers inserted through the write pipeline, axe-core run in the page, and
 * screenshots kept under test-results/admin/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_BUILD_DIR } from '../../src/http/admin/admin-routes.js';
import type { Model } from '../../src/model/model-types.js';
import type { Store } from '../../src/store/store.js';
import { planWrite } from '../../src/write/plan-write.js';
import { RecordValidator } from '../../src/write/record-validator.js';

export const CRM_SECURE_YAML = readFileSync(
  fileURLToPath(new URL('../../examples/crm-secure/verbo.yaml', import.meta.url)),
  'utf8',
);
export const ARTIFACTS = fileURLToPath(new URL('../../test-results/admin/', import.meta.url));

/** The app is built by `npm run build`; a checkout that only ran tsc gets it built here (about 0.1 s). */
export function ensureAdminBuilt(): void {
  if (existsSync(`${ADMIN_BUILD_DIR}admin.js`)) return;
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-admin.mjs', import.meta.url))]);
}

/** `n` customers named `Customer 00001`…, statuses in turn, inserted as the API would (defaults filled). */
export async function insertCustomers(model: Model, store: Store, n: number): Promise<void> {
  const r = model.byName.get('customers')!;
  const validator = new RecordValidator(model.resources);
  const statuses = ['lead', 'active', 'churned'];
  for (let start = 1; start <= n; start += 200) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < start + 200 && i <= n; i++) {
      const body = {
        name: `Customer ${String(i).padStart(5, '0')}`,
        email: `c${i}@example.com`,
        status: statuses[i % 3],
      };
      batch.push(store.insert(r, planWrite(r, validator, body, { kind: 'create' })));
    }
    await Promise.all(batch);
  }
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (through the DevTools protocol, which the page's CSP does not govern)
 * and fails on any serious or critical violation.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the script above defined
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const grave = violations.filter(
    (v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(grave, `${screen}: ${JSON.stringify(grave)}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false });
}

/** The text of one column's cells in the rendered rows. */
export async function firstCells(page: Page, column: string): Promise<string[]> {
  const headers = await page.locator('thead th').allTextContents();
  const index = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === column);
  return page.locator(`tbody tr[data-index] td:nth-child(${index + 1})`).allTextContents();
}
