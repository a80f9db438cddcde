/** Type-checks a folder of TypeScript files with the project's tsc (strict, NodeNext, no Node types). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
export const CLIENT_SOURCE = join(REPO, 'src/client/index.ts');

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** An import specifier for `target` (a .ts file) from a file in `dir`, NodeNext style (.js). */
export function importPath(dir: string, target: string): string {
  const rel = relative(dir, target).replace(/\\/g, '/').replace(/\.ts$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export interface TscResult {
  code: number | null;
  output: string;
}

/**
 * Writes a tsconfig into `dir` and runs tsc on `files`. `types: []` keeps Node's types out, as in a
 * browser project; `extra` adds or overrides compiler options (e.g. outDir instead of noEmit).
 */
export function runTsc(dir: string, files: string[], extra: Record<string, unknown> = {}): TscResult {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    strict: true,
    types: [],
    noEmit: true,
    skipLibCheck: true,
    ...extra,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  const r = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], {
    encoding: 'utf8',
    cwd: dir,
    timeout: 120_000,
  });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
