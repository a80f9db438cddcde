/**
 * `GET /openapi.json`, `GET /docs` and `GET /` (all under basePath; with a basePath, `/` too).
 * The docs page is Swagger UI from the `swagger-ui-dist` package, its files served by verbo itself
 * from node_modules (no CDN): the page works with no internet. The index answers HTML to a browser
 * and JSON to a program (Accept). HTML pages get their own CSP: scripts and styles from 'self' only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { ERROR_CATALOGUE } from '../../errors/error-catalogue.js';
import type { Model } from '../../model/model-types.js';
import { buildOpenApi } from '../../openapi/openapi-builder.js';
import { negotiate } from '../request/content-negotiation.js';
import { addVary } from '../respond/vary.js';
import {
  DOCS_CSP,
  DOCS_INIT_SCRIPT,
  docsPageHtml,
  INDEX_CSP,
  type IndexLinks,
  indexHtml,
  indexJson,
} from './docs-pages.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Part of the docs (not of the API): left out of the OpenAPI document. */
    docs?: boolean;
    /** The route chooses its own media type (HTML pages, static files): the JSON-only Accept check is skipped. */
    ownNegotiation?: boolean;
  }
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const etagOf = (body: Buffer | string): string =>
  `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;

function asset(body: Buffer | string, type: string): Asset {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: buf, type, etag: etagOf(buf) };
}

/** Files are read on first use and kept: the bundle is ~1.7 MB, read once per process. */
function swaggerAsset(name: string): () => Asset {
  let cached: Asset | undefined;
  return () => {
    if (!cached) {
      const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      cached = asset(readFileSync(join(dir, name)), SWAGGER_FILES[name]);
    }
    return cached;
  };
}

function sendAsset(req: FastifyRequest, reply: FastifyReply, a: Asset, csp?: string) {
  reply.header('etag', a.etag).header('cache-control', 'no-cache').header('content-type', a.type);
  if (csp) reply.header('content-security-policy', csp);
  if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag))
    return reply.code(304).send();
  return reply.send(a.body);
}

function requireHtml(req: FastifyRequest): void {
  if (negotiate(req.headers.accept, ['text/html']) === undefined) {
    throw ApiError.of(
      'NOT_ACCEPTABLE',
      `Accept ${req.headers.accept} does not allow text/html, the only form of ${req.url.split('?')[0]}`,
    );
  }
}

export interface DocsPaths {
  openapi: string;
  docs: string;
  /** Index URLs: basePath (or `/`), and `/` as well under a basePath. */
  index: string[];
  assets: string[];
}

/** Where the docs live. A resource named `docs` keeps its URL; the page then moves to `_docs`. */
export function docsPaths(model: Model): DocsPaths {
  const base = model.basePath;
  const docs = `${base}/${model.byName.has('docs') ? '_docs' : 'docs'}`;
  return {
    openapi: `${base}/openapi.json`,
    docs,
    index: base ? [base, '/'] : ['/'],
    assets: [...Object.keys(SWAGGER_FILES), 'verbo-docs.js'].map((f) => `${docs}/${f}`),
  };
}

export function registerDocsRoutes(
  app: FastifyInstance,
  model: Model,
  options: { production?: boolean } = {},
): void {
  const paths = docsPaths(model);
  const links: IndexLinks = { docs: paths.docs, openapi: paths.openapi };
  const openapi = asset(
    JSON.stringify(
      buildOpenApi(model, {
        errorCodes: ERROR_CATALOGUE,
        environment: options.production ? 'production' : 'local',
      }),
    ),
    'application/json; charset=utf-8',
  );
  const page = asset(docsPageHtml(model, paths.docs, paths.openapi), 'text/html; charset=utf-8');
  const init = asset(DOCS_INIT_SCRIPT, 'text/javascript; charset=utf-8');
  const index = asset(indexHtml(model, links), 'text/html; charset=utf-8');
  const own = { docs: true, ownNegotiation: true };

  app.get(paths.openapi, { config: { docs: true } }, (req, reply) => sendAsset(req, reply, openapi));
  app.get(paths.docs, { config: own }, (req, reply) => {
    requireHtml(req);
    return sendAsset(req, reply, page, DOCS_CSP);
  });
  for (const name of Object.keys(SWAGGER_FILES)) {
    const load = swaggerAsset(name);
    app.get(`${paths.docs}/${name}`, { config: own }, (req, reply) => sendAsset(req, reply, load()));
  }
  app.get(`${paths.docs}/verbo-docs.js`, { config: own }, (req, reply) => sendAsset(req, reply, init));
  for (const url of paths.index) {
    app.get(url, { config: own }, (req, reply) => {
      const type = negotiate(req.headers.accept, ['application/json', 'text/html']);
      if (!type)
        throw ApiError.of(
          'NOT_ACCEPTABLE',
          `Accept ${req.headers.accept} allows neither application/json nor text/html`,
        );
      addVary(reply, 'Accept');
      if (type === 'text/html') return sendAsset(req, reply, index, INDEX_CSP);
      return reply.type('application/json; charset=utf-8').send(indexJson(model, links));
    });
  }
}
