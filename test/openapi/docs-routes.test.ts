/** GET /openapi.json, GET /docs (with its files) and GET / over real HTTP, on every store. */
import { expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { CRM_YAML, LIBRARY_YAML, modelOf } from './openapi-fixtures.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describeEachStore('docs routes of the CRM example', (_target, getDb) => {
  const server = useServer(getDb);

  it('GET /openapi.json is the generated document, with an ETag that answers 304', async () => {
    const res = await server().request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual(buildOpenApi(modelOf(CRM_YAML), { errorCodes: ERROR_CATALOGUE }));
    const again = await server().request('GET', '/openapi.json', {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('GET /docs: an HTML page whose scripts and styles all come from this server, under a CSP of self only', async () => {
    const res = await server().request('GET', '/docs', { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(
      expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/verbo-docs.js']),
    );
    expect(refs.every((r) => r.startsWith('/'))).toBe(true);
    expect(res.text).not.toMatch(/<script>|<style>|\son[a-z]+=/);
    expect(res.text).toContain('data-openapi="/openapi.json"');
    for (const [path, type, min] of [
      ['/docs/swagger-ui-bundle.js', 'text/javascript; charset=utf-8', 1_000_000],
      ['/docs/swagger-ui.css', 'text/css; charset=utf-8', 50_000],
      ['/docs/verbo-docs.js', 'text/javascript; charset=utf-8', 100],
      ['/docs/favicon-32x32.png', 'image/png', 100],
    ] as const) {
      const file = await server().request('GET', path, { headers: { accept: '*/*' } });
      expect(file.status, path).toBe(200);
      expect(file.headers.get('content-type')).toBe(type);
      expect(Number(file.headers.get('content-length'))).toBeGreaterThan(min);
      expect(
        (await server().request('GET', path, { headers: { 'if-none-match': file.headers.get('etag')! } }))
          .status,
      ).toBe(304);
    }
  });

  it('GET /docs to a client that takes only JSON → 406; the API routes still refuse HTML-only clients', async () => {
    expectEnvelope(
      await server().request('GET', '/docs', { headers: { accept: 'application/json' } }),
      406,
      'NOT_ACCEPTABLE',
    );
    expectEnvelope(
      await server().request('GET', '/customers', { headers: { accept: 'text/html' } }),
      406,
      'NOT_ACCEPTABLE',
    );
  });

  it('GET /: JSON to a program, an HTML index to a browser, 406 to neither', async () => {
    const json = await server().request('GET', '/');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(json.headers.get('vary')).toMatch(/\bAccept\b/);
    expect(json.json).toEqual({
      name: 'crm',
      resources: [
        { name: 'customers', href: '/customers', description: 'People and companies we sell to.' },
        { name: 'orders', href: '/orders', description: 'What a customer bought or may buy.' },
      ],
      links: { docs: '/docs', openapi: '/openapi.json' },
    });
    expect((await server().request('GET', '/', { headers: { accept: '*/*' } })).json.name).toBe('crm');
    const html = await server().request('GET', '/', { headers: BROWSER });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('href="/docs"');
    expect(html.text).toContain('href="/openapi.json"');
    expect(html.text).toContain('href="/customers"');
    expect(html.headers.get('content-security-policy')).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expectEnvelope(
      await server().request('GET', '/', { headers: { accept: 'image/png' } }),
      406,
      'NOT_ACCEPTABLE',
    );
  });
});

describeEachStore('docs routes under a basePath', (_target, getDb) => {
  const server = useServer(getDb, { yaml: LIBRARY_YAML });

  it('openapi.json and docs live under the basePath; the index answers there and at /', async () => {
    const doc = await server().request('GET', '/api/v1/openapi.json');
    expect(doc.json.servers[0].url).toBe('/api/v1');
    expect(Object.keys(doc.json.paths)).toContain('/authors/{id}/books');
    const page = await server().request('GET', '/api/v1/docs', { headers: BROWSER });
    expect(page.text).toContain('data-openapi="/api/v1/openapi.json"');
    expect(page.text).toContain('src="/api/v1/docs/swagger-ui-bundle.js"');
    for (const path of ['/api/v1', '/']) {
      const index = await server().request('GET', path);
      expect(index.json.links).toEqual({ docs: '/api/v1/docs', openapi: '/api/v1/openapi.json' });
      expect(index.json.resources[0].href).toBe('/api/v1/authors');
    }
    expectEnvelope(await server().request('GET', '/openapi.json'), 404, 'ROUTE_NOT_FOUND');
  });
});

describeEachStore('a resource named docs keeps its URL', (_target, getDb) => {
  const server = useServer(getDb, {
    yaml: 'resources:\n  docs:\n    fields:\n      title: { type: string, maxLength: 80 }\n',
  });

  it('the page moves to /_docs; /docs is the collection', async () => {
    expect((await server().request('GET', '/docs')).json).toEqual([]);
    expect((await server().request('GET', '/_docs', { headers: BROWSER })).text).toContain(
      '/_docs/swagger-ui-bundle.js',
    );
    expect((await server().request('GET', '/')).json.links.docs).toBe('/_docs');
  });
});
