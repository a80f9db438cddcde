/**
 * Bundles the `verbo` command (src/cli/main.ts and everything it imports, packages included) into one
 * ES module, dist/cli/main.js, in place of the file tsc wrote there. Node then reads one file instead
 * of some 600 modules: `verbo check` starts in about half the time (docs/architecture.md, "The
 * command's bundle"). The library entry points (dist/index.js, dist/client/) stay tsc's own files.
 * Left outside the bundle, loaded from node_modules: native addons (better-sqlite3, sharp), packages
 * loaded only on demand (postgres, pino-pretty), and swagger-ui-dist, whose files are served as they
 * are. Run by `npm run build`, after tsc.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ES module builds first: jsonc-parser's UMD build requires its parts by computed paths.
  mainFields: ['module', 'main'],
  external: ['better-sqlite3', 'sharp', 'postgres', 'pino-pretty', 'swagger-ui-dist'],
  // Bundled CommonJS packages call require() for Node's own modules and the packages left outside.
  banner: { js: "import { createRequire as createRequireOfBundle } from 'node:module';\nconst require = createRequireOfBundle(import.meta.url);" },
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`verbo command: dist/cli/main.js ${bytes} B, ${Object.keys(result.metafile.inputs).length} modules`);
