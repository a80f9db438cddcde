/**
 * The admin app's HTML shell and its CSP (docs/admin.md). The shell has no inline script or style:
 * the app's settings travel as data attributes, its code and styles are files from `dist/admin/`.
 */
import type { Model } from '../../model/model-types.js';
import { docsPaths } from '../docs/docs-routes.js';

/** Scripts, styles and requests from this server only; no frames, no plugins, no inline code. */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function adminPageHtml(model: Model, adminPath: string): string {
  const attrs = {
    'data-api': model.basePath,
    'data-openapi': docsPaths(model).openapi,
    'data-auth': model.auth ? 'on' : 'off',
    'data-name': model.name,
  };
  const data = Object.entries(attrs)
    .map(([k, v]) => `${k}="${escapeAttr(v)}"`)
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${escapeAttr(model.name)} · admin</title>
<link rel="stylesheet" href="${adminPath}/admin.css">
<script type="module" src="${adminPath}/admin.js"></script>
</head>
<body>
<div id="app" ${data}><noscript>The admin app needs JavaScript.</noscript></div>
</body>
</html>
`;
}
