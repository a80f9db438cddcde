#!/usr/bin/env node
/**
 * Makes docs/images/admin-table.png (shown in README.md and docs/admin.md): the crm-secure example
 * with its seed and a few orders, signed in as an admin, the customers table filtered and sorted.
 *
 *   npm run build && node scripts/admin-screenshot.mjs
 *
 * Needs Debian's Chromium (/usr/bin/chromium), driven by playwright-core (no browser download).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const config = join(root, 'examples', 'crm-secure', 'verbo.yaml');
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-shot-'));
const db = join(dir, 'crm.sqlite');
const out = join(root, 'docs', 'images', 'admin-table.png');

const added = spawnSync(
  process.execPath,
  [cli, 'users', 'add', 'admin@example.com', '--role', 'admin', '--config', config, '--db', db, '--password-stdin'],
  { input: 'admin-password-123\n', encoding: 'utf8' },
);
if (added.status !== 0) throw new Error(added.stderr);
const server = spawn(
  process.execPath,
  [cli, 'serve', config, '--db', db, '--seed', join(root, 'examples', 'crm-secure', 'seed.json'), '--port', '0'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let browser;
try {
  const url = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      const m = /serving .* at (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`verbo serve exited ${code}:\n${text}`)));
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1440, height: 720 } });
  await page.goto(`${url}/_admin/`);
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByLabel('Password').fill('admin-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  // A few orders, through the API from the signed-in page (the session cookie; the page's origin).
  await page.evaluate(async () => {
    const orders = [
      [2, 'Annual plan', 1200, 'won'],
      [2, 'Extra seats', 300, 'open'],
      [3, 'Pilot', 500, 'won'],
      [6, 'Renewal', 900, 'open'],
      [6, 'Support pack', 150, 'lost'],
      [6, 'Training', 400, 'won'],
    ];
    for (const [customerId, title, amount, stage] of orders)
      await fetch('/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, title, amount, stage }),
      });
  });
  await page.goto(`${url}/_admin/#/customers?status=active&sort=name`);
  await page.locator('tbody tr[data-index="0"]').waitFor();
  await page.getByRole('link', { name: /orders \(\d+\)/ }).first().waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
