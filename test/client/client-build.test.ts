/**
 * verbo/client has no dependencies: compiled alone (no Node types, DOM lib only) its files import
 * nothing but each other, and the compiled JavaScript works against a live server.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customer, useServer } from '../support/http-harness.js';
import { CLIENT_SOURCE, REPO, runTsc, tempDir } from './tsc-runner.js';

const out = tempDir('verbo-client-build-');
let compiled: { code: number | null; output: string };

beforeAll(() => {
  compiled = runTsc(out, [CLIENT_SOURCE], {
    noEmit: false,
    outDir: join(out, 'dist'),
    rootDir: join(REPO, 'src/client'),
    declaration: true,
  });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every module specifier in a JavaScript file: static imports, re-exports, dynamic import(), require(). */
function specifiers(js: string): string[] {
  const found: string[] = [];
  for (const re of [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]?([^'"`)]*)/g,
    /\brequire\s*\(\s*['"`]?([^'"`)]*)/g,
  ]) {
    for (const m of js.matchAll(re)) found.push(m[1]);
  }
  return found;
}

describe('verbo/client build', () => {
  it('compiles on its own with lib ES2022 + DOM and no Node types (a browser project)', () => {
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('its compiled files import only each other: no package, no node: module, no server code', () => {
    const dir = join(out, 'dist');
    const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    expect(files.length).toBeGreaterThan(5);
    const all: string[] = [];
    for (const f of files) {
      const js = readFileSync(join(dir, f), 'utf8');
      const specs = specifiers(js);
      all.push(...specs);
      for (const s of specs) {
        expect(s, `${f} imports ${s}`).toMatch(/^\.\/[a-z0-9-]+\.js$/);
        expect(files, `${f} imports ${s}`).toContain(s.slice(2));
      }
      // One sanctioned, guarded use: upload(path) reaches fs through globalThis.process?.getBuiltinModule
      // (file-transfer.ts; a browser has no process and gets a TypeError, nothing is imported).
      const guarded = js.replaceAll('globalThis.process?.getBuiltinModule', '');
      expect(guarded, `${f} uses a Node global`).not.toMatch(/\b(process|Buffer|__dirname|require)\b/);
    }
    expect(all.length).toBeGreaterThan(5);
    expect(
      specifiers("import { a } from 'node:fs'; export * from \"x\"; await import('y'); require('z')"),
    ).toEqual(['node:fs', 'x', 'y', 'z']);
  });

  it('package.json exports verbo/client from dist/client, which the build writes from src/client', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.exports['./client']).toBe('./dist/client/index.js');
    const build = JSON.parse(readFileSync(join(REPO, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions.rootDir).toBe('src');
  });

  describe('the compiled JavaScript against a live server', () => {
    const server = useServer(() => ':memory:');
    it('creates, gets, lists and throws VerboError', async () => {
      const mod = await import(pathToFileURL(join(out, 'dist', 'index.js')).href);
      const api = mod.createClient({ baseUrl: server().url });
      const c = await api.customers.create(customer('built'));
      expect(await api.customers.get(c.id)).toEqual(c);
      expect((await api.customers.list({ where: { email: c.email } })).items).toEqual([c]);
      const e = await api.customers.get(987654).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(mod.VerboError);
      expect(e).toMatchObject({ status: 404, code: 'RECORD_NOT_FOUND' });
    });
  });
});
