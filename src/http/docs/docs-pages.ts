/** The HTML of `GET /docs` (Swagger UI) and of the index page, with the CSP each needs and no more. */
import { createHash } from 'node:crypto';
import type { Model } from '../../model/model-types.js';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only our own origin; no inline script, no eval, no frames, no forms, no plugins. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Starts Swagger UI on the document named by the page (served as a file: the CSP forbids inline scripts). */
export const DOCS_INIT_SCRIPT = `'use strict';
window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-openapi'),
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;

export function docsPageHtml(model: Model, assets: string, openapiUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.name)} API · docs</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="${escapeHtml(openapiUrl)}"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/verbo-docs.js"></script>
</body>
</html>
`;
}

const INDEX_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem;color:#1b1b1b}' +
  'code{background:#f2f2f2;padding:0 .25em;border-radius:3px}li{margin:.25rem 0}a{color:#0b5cad}';

export const INDEX_CSP = `default-src 'none'; style-src ${sha256(INDEX_STYLE)}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export interface IndexLinks {
  docs: string;
  openapi: string;
}

/** The index as data: what a program gets from `GET /`. */
export function indexJson(model: Model, links: IndexLinks) {
  return {
    name: model.name,
    resources: model.resources.map((r) => ({
      name: r.name,
      href: `${model.basePath}/${r.name}`,
      description: r.description ?? null,
    })),
    links,
  };
}

/** The same index for a browser. */
export function indexHtml(model: Model, links: IndexLinks): string {
  const items = model.resources
    .map((r) => {
      const href = escapeHtml(`${model.basePath}/${r.name}`);
      return `<li><a href="${href}"><code>${escapeHtml(r.name)}</code></a>${r.description ? ` — ${escapeHtml(r.description)}` : ''}</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.name)} API</title>
<style>${INDEX_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(model.name)} API</h1>
<p>A REST API served by verbo. <a href="${escapeHtml(links.docs)}">Interactive documentation</a> · <a href="${escapeHtml(links.openapi)}">OpenAPI 3.1 document</a></p>
<h2>Resources</h2>
<ul>
${items}
</ul>
</body>
</html>
`;
}
