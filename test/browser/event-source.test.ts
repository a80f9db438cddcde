/**
 * Change streams in a real browser (docs/realtime.md "In the browser"): Chromium signs in with
 * `POST /auth/login` (the session cookie), opens `new EventSource('/notes?snapshot=true')` on the
 * same origin, and receives the snapshot, `ready` and the created events of its own records —
 * and none of another user's (owner rows stay private).
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { hasChromium, launchChromium, skipWithoutChromium } from '../support/chromium.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
auth: { registration: closed }
resources:
  notes:
    access: { read: owner, write: owner }
    fields:
      text: { type: string, required: true }
`;

interface Seen {
  type: string;
  id: string;
  data: { id?: number; text?: string };
}

if (!hasChromium) {
  skipWithoutChromium('EventSource in Chromium');
} else {
  describeEachStore('EventSource in Chromium', (_target, getDb) => {
    let server: AuthServer;
    let context: BrowserContext;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;

    beforeAll(async () => {
      server = await startAuthServer({ db: getDb(), yaml: YAML });
      await addUser(server, 'ann@example.com', 'ann password 1');
      await addUser(server, 'bob@example.com', 'bob password 1');
      browser = await launchChromium();
      context = browser.context;
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('signs in with the cookie session and receives snapshot, ready and created events of its own notes', async () => {
      const ann = await signIn(server, 'ann@example.com', 'ann password 1');
      const bob = await signIn(server, 'bob@example.com', 'bob password 1');
      const write = async (who: { cookie: string }, text: string) => {
        const res = await server.request('POST', '/notes', { headers: who, body: { text } });
        expect(res.status, res.text).toBe(201);
        return res.json as { id: number };
      };
      const before = await write(ann, 'written before');
      const page = await context.newPage();
      // An app page of the API's origin (as a site serving its own page next to the API would):
      // the login and the stream are same-origin requests from it.
      await page.route(`${server.url}/app.html`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>app</title>' }),
      );
      await page.goto(`${server.url}/app.html`);
      const login = await page.evaluate(async () => {
        const res = await fetch('/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ann@example.com', password: 'ann password 1' }),
        });
        return res.status;
      });
      expect(login).toBe(200);
      await page.evaluate(() => {
        const w = window as unknown as { seen: Seen[]; source: EventSource };
        w.seen = [];
        w.source = new EventSource('/notes?snapshot=true');
        for (const type of ['snapshot', 'ready', 'created', 'updated', 'deleted', 'error'])
          w.source.addEventListener(type, (e) => {
            const m = e as MessageEvent;
            w.seen.push({ type, id: m.lastEventId, data: m.data ? JSON.parse(m.data) : {} });
          });
      });
      const seen = () => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
      await expect
        .poll(async () => (await seen()).map((e) => e.type), { timeout: 10_000 })
        .toContain('ready');
      await write(bob, 'bob’s own');
      const mine = await write(ann, 'written live');
      await expect
        .poll(async () => (await seen()).some((e) => e.type === 'created' && e.data.id === mine.id), {
          timeout: 10_000,
        })
        .toBe(true);
      const events = await seen();
      expect(events.map((e) => `${e.type} ${e.data.id ?? ''}`.trim())).toEqual([
        `snapshot ${before.id}`,
        'ready',
        `created ${mine.id}`,
      ]);
      expect(events[2].data.text).toBe('written live');
      expect(Number(events[2].id)).toBeGreaterThan(Number(events[1].id));
      expect(JSON.stringify(events)).not.toContain('bob’s own');
      await page.evaluate(() => (window as unknown as { source: EventSource }).source.close());
      await page.close();
    }, 60_000);
  });
}
