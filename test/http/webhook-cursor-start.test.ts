/**
 * When a new webhook's cursor is made (docs/webhooks.md: a new webhook sends what follows): before
 * a serving app accepts any request, so no write it answers lands before the cursor; never by an app
 * that answers one command in process (`verbo import`/`export`, `verbo check --queries`).
 */
import { expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { webhookTables } from '../../src/http/webhooks/webhook-dispatcher.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { describeEachStore } from '../support/store-targets.js';

const model = buildModel(
  parseConfigText(
    `resources:
  orders:
    fields: { title: string }
webhooks:
  - { url: "https://hooks.example.com/x", events: [orders.created], secretEnv: VERBO_TEST_HOOK_SECRET }
`,
    'verbo.yaml',
  ),
);
const cursors = webhookTables(model)!.cursors;

describeEachStore('webhook cursors at start', (_target, getDb) => {
  it('an in-process app makes none; a serving app makes it at ready, before any request', async () => {
    process.env.VERBO_TEST_HOOK_SECRET ??= 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=';
    const store = await openStore(getDb());
    try {
      await store.sync(model);
      const oneShot = await buildApp({ model, store, inProcess: true });
      await oneShot.ready();
      const made = await oneShot.inject({ method: 'POST', url: '/orders', payload: { title: 'a' } });
      expect(made.statusCode).toBe(201);
      await oneShot.close();
      expect(
        await store.list(cursors, { where: [], sort: [{ field: 'id', desc: false }], limit: 10 }),
      ).toEqual([]);

      const serving = await buildApp({ model, store });
      await serving.ready();
      const [cursor] = await store.list(cursors, {
        where: [],
        sort: [{ field: 'id', desc: false }],
        limit: 10,
      });
      expect(cursor?.webhook).toBe('https://hooks.example.com/x');
      // At the log's end when the app became ready: the POST above (one entry) is behind it.
      expect(Number(cursor.seq)).toBe((await store.changes.bounds()).last);
      await serving.close();
    } finally {
      await store.close();
    }
  });
});
