/**
 * The admin web app (docs/admin.md): `GET {path}/` answers the HTML shell, `{path}/admin.js` and
 * `{path}/admin.css` the files `npm run build` writes to `dist/admin/` (esbuild, scripts/build-admin.mjs),
 * read once and kept. `{path}` redirects to `{path}/`. On unless `admin.enabled` is false, or, left
 * unset, under production. Anything else under the path is the usual 404 / 405 envelope.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { Model } from '../../model/model-types.js';
import { negotiate } from '../request/content-negotiation.js';
import { ADMIN_CSP, adminPageHtml } from './admin-page.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's own URL ends with `/` (the admin app's root): no trailing-slash redirect. */
    keepTrailingSlash?: boolean;
  }
}

/**
 * `dist/admin/` of this package: the first folder above this module that holds a package.json is
 * the package's root, whether this module runs from `src/http/admin/`, `dist/http/admin/` or inside
 * the CLI's bundle (`dist/cli/main.js`, scripts/build-cli.mjs).
 */
export const ADMIN_BUILD_DIR = `${join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'dist', 'admin')}/`;

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

const FILES: Record<string, string> = {
  'admin.js': 'text/javascript; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(body: Buffer | string, type: string): Asset {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: buf, type, etag: `"${createHash('sha1').update(buf).digest('base64url').slice(0, 27)}"` };
}

function send(req: FastifyRequest, reply: FastifyReply, a: Asset, csp?: string) {
  reply.header('etag', a.etag).header('cache-control', 'no-cache').header('content-type', a.type);
  if (csp) reply.header('content-security-policy', csp);
  if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag))
    return reply.code(304).send();
  return reply.send(a.body);
}

/** Every URL the app answers (when enabled): the redirect, the shell and the built files. */
export function adminPaths(model: Model): string[] {
  const base = model.admin.path;
  return [base, `${base}/`, ...Object.keys(FILES).map((f) => `${base}/${f}`)];
}

export function adminEnabled(model: Model, production: boolean): boolean {
  return model.admin.enabled ?? !production;
}

export function registerAdminRoutes(
  app: FastifyInstance,
  model: Model,
  options: { production?: boolean; buildDir?: string } = {},
): void {
  if (!adminEnabled(model, options.production ?? false)) return;
  const base = model.admin.path;
  const dir = options.buildDir ?? ADMIN_BUILD_DIR;
  const page = asset(adminPageHtml(model, base), 'text/html; charset=utf-8');
  const own = { docs: true, ownNegotiation: true };

  app.get(base, { config: own }, (_req, reply) => reply.code(301).header('location', `${base}/`).send());
  app.get(`${base}/`, { config: { ...own, keepTrailingSlash: true } }, (req, reply) => {
    if (negotiate(req.headers.accept, ['text/html']) === undefined)
      throw ApiError.of(
        'NOT_ACCEPTABLE',
        `Accept ${req.headers.accept} does not allow text/html, the only form of ${base}/`,
      );
    // `no-referrer` (the API's default) would make the browser send `Origin: null` on the app's own
    // POST/PATCH/DELETE, which the CSRF check refuses (docs/auth.md); same-origin keeps the real Origin.
    reply.header('referrer-policy', 'same-origin');
    return send(req, reply, page, ADMIN_CSP);
  });
  for (const [name, type] of Object.entries(FILES)) {
    let cached: Asset | undefined;
    app.get(`${base}/${name}`, { config: own }, (req, reply) => {
      if (!cached) {
        const file = `${dir}${name}`;
        if (!existsSync(file))
          throw ApiError.of('ROUTE_NOT_FOUND', `${base}/${name}: the admin app is not built (npm run build)`);
        cached = asset(readFileSync(file), type);
      }
      return send(req, reply, cached);
    });
  }
}
