/**
 * Every fenced code block of README.md and docs/*.md runs, or is marked with the reason it cannot
 * (marks: test/support/doc-blocks.ts). Each Markdown file gets one server from the built CLI
 * (`npm run build` first) on a new SQLite database, and its blocks run in order against it.
 * The files are dealt round-robin to DOC_SHARDS test files (test/docs/docs-blocks-N.test.ts), so
 * that vitest runs them side by side instead of one long file.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type DocBlock, extractBlocks } from './doc-blocks.js';
import { isPython, runnerFor } from './doc-runners.js';
import { DocWorkspace, REPO } from './doc-workspace.js';

/** How many test files share the Markdown files (each test/docs/docs-blocks-N.test.ts is one). */
export const DOC_SHARDS = 3;

export const DOC_FILES = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

const pythonCheck = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
const noPython =
  pythonCheck.status === 0
    ? undefined
    : `python3 with requests is not available (${pythonCheck.error?.message ?? pythonCheck.stderr.trim()})`;

function skipReason(block: DocBlock): string | undefined {
  if (block.skip) return block.skip;
  if (isPython(block) && noPython) return noPython;
  return undefined;
}

/** The Markdown files of shard `shard` (1 … DOC_SHARDS): every DOC_SHARDS-th, in name order. */
export function docFilesOfShard(shard: number): string[] {
  return DOC_FILES.filter((_, i) => i % DOC_SHARDS === shard - 1);
}

/** One describe block per Markdown file of the shard, one test per code block. */
export function describeDocFiles(files: string[]): void {
  for (const file of files) describeDocFile(file);
}

function describeDocFile(file: string): void {
  const doc = extractBlocks(join(REPO, file), file);
  describe(file, () => {
    let ws: DocWorkspace | undefined;
    const runnable = doc.blocks.some((b) => !skipReason(b) && runnerFor(b));
    beforeAll(async () => {
      ws = new DocWorkspace(doc.config, doc.seed);
      if (runnable) await ws.start();
    });
    afterAll(async () => {
      await ws?.close();
    });
    if (doc.blocks.length === 0) {
      console.log(`docs-test: skipped ${file}: it has no code blocks`);
      it.skip(`${file} (skipped: it has no code blocks)`, () => {});
    }
    doc.blocks.forEach((block, index) => {
      const name = `${file}:${block.line} ${block.lang || '(no language)'}`;
      const reason = skipReason(block);
      if (reason) {
        console.log(`docs-test: skipped ${name}: ${reason}`);
        it.skip(`${name} (skipped: ${reason})`, () => {});
        return;
      }
      const runner = runnerFor(block);
      if (!runner) {
        it(name, () => {
          throw new Error(
            `${name}: no runner for "${block.lang}" and no docs-test mark (test/support/doc-blocks.ts)`,
          );
        });
        return;
      }
      it(name, async () => {
        if (!ws) throw new Error('no workspace');
        if (block.fresh) await ws.start();
        await runner(block, ws, doc.blocks.slice(0, index));
      }, 30_000);
    });
  });
}
