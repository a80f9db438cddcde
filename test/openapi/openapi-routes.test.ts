/**
 * Every route Fastify registers is in the document or is one of the docs' own routes or a 405
 * refusal, and every operation of the document is a registered route; the docs routes themselves.
 */
import { expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { adminPaths } from '../../src/http/admin/admin-routes.js';
import { buildApp } from '../../src/http/app.js';
import { docsPaths } from '../../src/http/docs/docs-routes.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../src/http/query/list-query-parser.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/openapi/openapi-limits.js';
import { openStore } from '../../src/store/open-store.js';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import {
  AUTH_BASE_YAML,
  AUTH_YAML,
  CRM_SECURE_YAML,
  CRM_YAML,
  LIBRARY_YAML,
  modelOf,
} from './openapi-fixtures.js';

/** `METHOD /path/:param` of every route in Fastify's printRoutes tree. */
function registeredRoutes(tree: string): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^(.*?)(?:├── |└── )(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack[depth] = m[2];
    if (m[3]) for (const method of m[3].split(', ')) out.add(`${method} ${stack.join('')}`);
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
function documentedRoutes(doc: any, basePath: string): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(item).filter((k) => k !== 'parameters')) {
      out.add(`${method.toUpperCase()} ${basePath}${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
  }
  return out;
}

it("the document's paging constants are the query parser's", () => {
  expect([DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE]).toEqual([DEFAULT_LIMIT, MAX_LIMIT]);
});

for (const [name, yaml] of [
  ['the CRM example', CRM_YAML],
  ['a basePath API with string and uuid ids', LIBRARY_YAML],
  ['an auth config with open registration', AUTH_YAML],
  ['the crm-secure example (auth, rate limit)', CRM_SECURE_YAML],
  ['an auth config under a basePath with registration closed', AUTH_BASE_YAML],
] as const) {
  describeEachStore(`routes of ${name} and its OpenAPI document`, (_target, getDb) => {
    const server = useServer(getDb, { yaml });

    it('every registered route is documented, a docs route, or a 405 refusal; every documented operation is registered', async () => {
      const model = modelOf(yaml);
      const store = await openStore(getDb());
      // Synced before ready, as `verbo serve` does: onReady hooks read the store (jobs, webhook cursors).
      await store.sync(model);
      const app = await buildApp({ model, store });
      await app.ready();
      const registered = registeredRoutes(app.printRoutes({ commonPrefix: false }));
      await app.close();
      await store.close();
      const doc = buildOpenApi(model, { errorCodes: ERROR_CATALOGUE });
      const documented = documentedRoutes(doc, model.basePath);
      expect(documented.size).toBeGreaterThan(20);
      for (const route of documented)
        expect(registered, `${route} is documented but not served`).toContain(route);
      const paths = docsPaths(model);
      // The admin app's pages are not API operations either (docs/admin.md).
      const docsUrls = new Set([
        paths.openapi,
        paths.docs,
        ...paths.index,
        ...paths.assets,
        ...adminPaths(model),
      ]);
      if (model.auth) {
        const auth = [...documented].filter((r) => r.includes(`${model.basePath}/auth/`));
        const open = model.auth.registration === 'open';
        expect(auth.length).toBe(open ? 17 : 15);
        expect(documented.has(`POST ${model.basePath}/auth/register`)).toBe(open);
      }
      // Closed registration: the route still answers (403 REGISTRATION_CLOSED) but is not documented.
      const closedRegister =
        model.auth?.registration === 'closed' ? `${model.basePath}/auth/register` : undefined;
      const rest = [...registered].filter((r) => !documented.has(r));
      if (closedRegister) {
        const post = await server().request('POST', closedRegister, {
          body: { email: 'a@example.com', password: 'long enough password' },
        });
        expectEnvelope(post, 403, 'REGISTRATION_CLOSED');
        expect(rest).toContain(`POST ${closedRegister}`);
        expect(rest).toContain(`OPTIONS ${closedRegister}`);
      }
      const docsRoutes = rest.filter((r) => docsUrls.has(r.split(' ')[1]));
      expect(new Set(docsRoutes.map((r) => r.split(' ')[1]))).toEqual(docsUrls);
      expect(docsRoutes.every((r) => /^(GET|HEAD) /.test(r))).toBe(true);
      const refusals = rest.filter(
        (r) =>
          !docsUrls.has(r.split(' ')[1]) &&
          r !== `POST ${closedRegister}` &&
          r !== `OPTIONS ${closedRegister}`,
      );
      expect(refusals.length).toBeGreaterThan(0);
      for (const route of refusals) {
        const [method, path] = route.split(' ');
        const res = await server().request(method, path.replace(/:id/g, 'x1'));
        // HEAD refused on a path without GET (e.g. POST /auth/login): 405 and Allow, no body.
        if (method === 'HEAD') expect([res.status, res.text]).toEqual([405, '']);
        else expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
        expect(res.headers.get('allow')).not.toContain(method);
      }
    });
  });
}
