/**
 * The admin app over HTTP (docs/admin.md): the shell at `/_admin/` under its own strict CSP, its
 * built files, the configurable path, off under production unless enabled, and unknown admin
 * paths answered with the error envelope. The app itself is tested in Chromium (test/browser/).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { ADMIN_BUILD_DIR } from '../../src/http/admin/admin-routes.js';
import { ensureAdminBuilt } from '../browser/admin-harness.js';
import { CRM_CONFIG, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const JSON_ONLY = { accept: 'application/json' };
const CRM = readFileSync(CRM_CONFIG, 'utf8');

describeEachStore('the admin app over HTTP', (_target, getDb) => {
  beforeAll(() => ensureAdminBuilt());
  const server = useServer(getDb);
  const moved = useServer(getDb, { yaml: `admin: { path: /console/data }\n${CRM}` });
  const production = useServer(getDb, { production: true });
  const forced = useServer(getDb, { production: true, yaml: `admin: { enabled: true }\n${CRM}` });
  const off = useServer(getDb, { yaml: `admin: { enabled: false }\n${CRM}` });

  it('GET /_admin/ is an HTML shell under a CSP of self only, no inline script or style', async () => {
    const res = await server().request('GET', '/_admin/', { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.text).not.toMatch(/<script>|<style>|\son[a-z]+=|style="/);
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    // `data:,` is the empty icon: no favicon request.
    expect(refs.sort()).toEqual(['/_admin/admin.css', '/_admin/admin.js', 'data:,']);
    expect(res.text).toContain('data-openapi="/openapi.json"');
    expect(res.text).toContain('data-auth="off"');
    const again = await server().request('GET', '/_admin/', {
      headers: { ...BROWSER, 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('serves the built files with their types; /_admin redirects to /_admin/', async () => {
    const js = await server().request('GET', '/_admin/admin.js', { headers: { accept: '*/*' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe(readFileSync(`${ADMIN_BUILD_DIR}admin.js`, 'utf8'));
    expect(js.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/i);
    const css = await server().request('GET', '/_admin/admin.css', { headers: { accept: 'text/css' } });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('prefers-color-scheme');
    // The whole app, Preact included, stays small (docs/admin.md: goal under 150 KB of gzip JavaScript).
    expect(gzipSync(js.text).length).toBeLessThan(150 * 1024);
    const bare = await server().request('GET', '/_admin', { headers: BROWSER });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/_admin/');
  });

  it('unknown admin paths are 404 and wrong methods 405 in the envelope; JSON-only Accept on the shell is 406', async () => {
    expectEnvelope(
      await server().request('GET', '/_admin/nope.js', { headers: JSON_ONLY }),
      404,
      'ROUTE_NOT_FOUND',
    );
    const post = await server().request('POST', '/_admin/admin.js', { headers: JSON_ONLY });
    expectEnvelope(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expectEnvelope(await server().request('GET', '/_admin/', { headers: JSON_ONLY }), 406, 'NOT_ACCEPTABLE');
  });

  it('admin.path moves the app', async () => {
    const res = await moved().request('GET', '/console/data/', { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.text).toContain('src="/console/data/admin.js"');
    expect((await moved().request('GET', '/console/data/admin.js')).status).toBe(200);
    expectEnvelope(await moved().request('GET', '/_admin', { headers: JSON_ONLY }), 404, 'ROUTE_NOT_FOUND');
  });

  it('is off in production unless admin.enabled is true, and off anywhere with enabled: false', async () => {
    // Without the app, `/_admin/` is an ordinary trailing slash (301 to `/_admin`), which nothing serves.
    const slash = await production().request('GET', '/_admin/', { headers: JSON_ONLY });
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/_admin');
    expectEnvelope(
      await production().request('GET', '/_admin', { headers: JSON_ONLY }),
      404,
      'ROUTE_NOT_FOUND',
    );
    expectEnvelope(
      await production().request('GET', '/_admin/admin.js', { headers: JSON_ONLY }),
      404,
      'ROUTE_NOT_FOUND',
    );
    expect((await forced().request('GET', '/_admin/', { headers: BROWSER })).status).toBe(200);
    expectEnvelope(await off().request('GET', '/_admin', { headers: JSON_ONLY }), 404, 'ROUTE_NOT_FOUND');
  });
});
