/**
 * Builds the admin web app (admin/src → dist/admin/admin.js + admin.css) with esbuild: one minified
 * ES module, Preact bundled in, no source maps, no timestamps — the same input gives the same bytes.
 * Run by `npm run build` (and so by `prepare`); docs/admin.md.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/admin`;
rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { admin: 'admin/src/main.tsx' },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
  inject: [],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const sizes = Object.entries(result.metafile.outputs).map(
  ([f, o]) => `${f.replace(/^.*dist\//, 'dist/')} ${o.bytes} B`,
);
console.log(`admin app: ${sizes.join(', ')}`);
