/** The TypeScript examples of docs/client.md and the README type-check against the CRM types. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateRecordTypes } from '../../src/codegen/record-types.js';
import { loadModel } from '../../src/model/index.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { CLIENT_SOURCE, importPath, REPO, runTsc, tempDir } from './tsc-runner.js';

const dir = tempDir('verbo-doc-snippets-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ```ts blocks of a Markdown file, except those about openapi-fetch (checked in openapi-fetch.test.ts). */
function tsBlocks(file: string): string[] {
  const md = readFileSync(join(REPO, file), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((b) => !b.includes('openapi-fetch'));
}

/** One module: the blocks' imports hoisted, each block's body in its own async function. */
function program(blocks: string[]): string {
  const imports = new Set<string>();
  const bodies = blocks.map((block, i) => {
    const lines = block.split('\n');
    for (const l of lines.filter((l) => l.startsWith('import '))) imports.add(l);
    return `export async function snippet${i}(): Promise<void> {\n${lines.filter((l) => !l.startsWith('import ')).join('\n')}\n}`;
  });
  const client = importPath(dir, CLIENT_SOURCE);
  const head = [...imports].map((l) => l.replace("'verbo-api/client'", `'${client}'`));
  return [
    `import type { VerboClient as AnyClient } from '${client}';`,
    ...head,
    "import type { Resources as CrmResources } from './api-types.js';",
    'declare const process: { env: Record<string, string | undefined> };',
    'declare const api: AnyClient<CrmResources>;',
    ...bodies,
  ].join('\n');
}

it('docs/client.md and README.md examples compile (strict, no Node types)', () => {
  const docs = tsBlocks('docs/client.md');
  const readme = tsBlocks('README.md');
  expect(docs.length).toBeGreaterThan(5);
  expect(readme.length).toBeGreaterThan(0);
  writeFileSync(join(dir, 'api-types.ts'), generateRecordTypes(loadModel(CRM_CONFIG)));
  writeFileSync(join(dir, 'docs.ts'), program(docs));
  writeFileSync(join(dir, 'readme.ts'), program(readme));
  const result = runTsc(dir, ['api-types.ts', 'docs.ts', 'readme.ts']);
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 120_000);
