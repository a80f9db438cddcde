/**
 * The layer rules of docs/architecture.md, read from the source: every import (static, re-export,
 * dynamic) of every file under src/ is resolved to a path under src/ and checked against the rules
 * of its layer. Known exceptions are listed with their reason and must still occur, so each one is
 * removed from this list when the code stops needing it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

interface Edge {
  /** The importing file, relative to src/ (`cli/seed-data.ts`). */
  from: string;
  /** The import as written. */
  spec: string;
  /** Relative to src/ for a relative import (`http/app.js`); the specifier itself for a package. */
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function edgesOf(file: string): Edge[] {
  const from = relative(SRC, file).split('\\').join('/');
  // The compiler's own pre-scan: imports, `export … from` and `import()`, never text in comments.
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles.map(({ fileName: spec }) => ({
    from,
    spec,
    to: spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(from), spec)) : spec,
  }));
}

const EDGES = sourceFiles(SRC).flatMap(edgesOf);
const layerOf = (path: string): string => path.split('/')[0];
const render = (e: Edge): string => `${e.from} → ${e.spec}`;

/** Layer → the layers its files must not import (a path under src/ starting with that folder). */
const FORBIDDEN: Record<string, string[]> = {
  errors: ['model', 'store', 'write', 'http', 'openapi', 'cli', 'patch'],
  model: ['store', 'http', 'write', 'cli'],
  store: ['http', 'write', 'cli'],
  write: ['http', 'cli'],
};

/** What the rules allow as a file's import, beyond FORBIDDEN: the cli reaches http only for the app. */
const CLI_MAY_IMPORT_FROM_HTTP = new Set(['http/app.js']);

/** Imports that break a rule today, each with why and who removes it. */
const KNOWN_EXCEPTIONS: { from: RegExp; to: RegExp; why: string }[] = [];

const isKnown = (e: Edge): boolean => KNOWN_EXCEPTIONS.some((k) => k.from.test(e.from) && k.to.test(e.to));

function violations(edges: Edge[] = EDGES): Edge[] {
  return edges.filter((e) => {
    const here = layerOf(e.from);
    if (here === 'client') return !e.to.startsWith('client/');
    if (!e.spec.startsWith('.')) return false;
    const there = layerOf(e.to);
    if (here === 'cli' && there === 'http') return !CLI_MAY_IMPORT_FROM_HTTP.has(e.to);
    return FORBIDDEN[here]?.includes(there) ?? false;
  });
}

describe('layers (docs/architecture.md)', () => {
  it('reads the imports of every source file', () => {
    // A scan that found nothing would pass every rule below.
    expect(EDGES.length).toBeGreaterThan(300);
    expect(EDGES).toContainEqual({ from: 'cli/serve-command.ts', spec: '../http/app.js', to: 'http/app.js' });
  });

  it('no layer imports one above it, and the cli uses http only through the app factory', () => {
    expect(
      violations()
        .filter((e) => !isKnown(e))
        .map(render),
    ).toEqual([]);
  });

  it('the client imports nothing outside src/client, not even a package', () => {
    expect(EDGES.filter((e) => layerOf(e.from) === 'client').length).toBeGreaterThan(10);
    expect(
      violations()
        .filter((e) => layerOf(e.from) === 'client')
        .map(render),
    ).toEqual([]);
  });

  it('every known exception is still needed', () => {
    for (const k of KNOWN_EXCEPTIONS)
      expect(
        violations().filter((e) => k.from.test(e.from) && k.to.test(e.to)).length,
        k.why,
      ).toBeGreaterThan(0);
  });
});

describe('the rule checker itself', () => {
  it('flags imports that break each rule', () => {
    const probe: Edge[] = [
      { from: 'cli/x.ts', spec: '../http/routes/item-handlers.js', to: 'http/routes/item-handlers.js' },
      { from: 'model/x.ts', spec: '../store/store.js', to: 'store/store.js' },
      { from: 'store/sql/x.ts', spec: '../../write/plan-write.js', to: 'write/plan-write.js' },
      { from: 'write/x.ts', spec: '../cli/main.js', to: 'cli/main.js' },
      { from: 'write/x.ts', spec: '../http/app.js', to: 'http/app.js' },
      { from: 'client/x.ts', spec: '../model/index.js', to: 'model/index.js' },
      { from: 'client/x.ts', spec: 'undici', to: 'undici' },
      { from: 'errors/x.ts', spec: '../http/app.js', to: 'http/app.js' },
    ];
    expect(violations(probe).filter((e) => !isKnown(e))).toEqual(probe);
  });

  it('lets allowed imports through', () => {
    const allowed: Edge[] = [
      { from: 'cli/x.ts', spec: '../http/app.js', to: 'http/app.js' },
      { from: 'cli/x.ts', spec: '../write/plan-write.js', to: 'write/plan-write.js' },
      { from: 'write/x.ts', spec: '../store/store.js', to: 'store/store.js' },
      { from: 'http/x.ts', spec: '../write/plan-write.js', to: 'write/plan-write.js' },
      { from: 'client/a/x.ts', spec: '../page.js', to: 'client/page.js' },
    ];
    expect(violations(allowed)).toEqual([]);
  });
});
