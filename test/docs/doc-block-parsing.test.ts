/** The extractor and the shell reader that the docs-blocks tests rely on (test/support/doc-*.ts). */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBlocks } from '../support/doc-blocks.js';
import { parseShell, readStatuses, statusProblems } from '../support/doc-shell.js';
import { DOC_FILES, DOC_SHARDS, docFilesOfShard } from '../support/doc-suite.js';
import { REPO } from '../support/doc-workspace.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-doc-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the docs-blocks shards', () => {
  it('run every Markdown file once, from one test file per shard', () => {
    const shards = Array.from({ length: DOC_SHARDS }, (_, i) => docFilesOfShard(i + 1));
    expect(shards.flat().sort()).toEqual([...DOC_FILES].sort());
    expect(DOC_FILES).toContain('README.md');
    expect(DOC_FILES).toContain('docs/migrations.md');
    const files = readdirSync(join(REPO, 'test', 'docs'))
      .filter((f) => f.startsWith('docs-blocks-'))
      .sort();
    expect(files).toEqual(shards.map((_, i) => `docs-blocks-${i + 1}.test.ts`).sort());
  });
});

describe('extractBlocks', () => {
  it('reads fences, info strings and the marks before a block', () => {
    const md = join(dir, 'a.md');
    writeFileSync(
      md,
      [
        '<!-- docs-test: config examples/x.yaml seed examples/x.json -->',
        '<!-- docs-test: skip (starts a server) -->',
        '',
        '```sh',
        'verbo serve',
        '```',
        'text',
        '<!-- docs-test: fresh -->',
        '````yaml fragment',
        '```',
        '````',
        '```ts no-run',
        'x',
        '```',
        '```',
        'plain',
        '```',
      ].join('\n'),
    );
    const doc = extractBlocks(md, 'a.md');
    expect(doc).toMatchObject({ config: 'examples/x.yaml', seed: 'examples/x.json' });
    expect(doc.blocks.map((b) => [b.line, b.lang, b.skip, b.fresh, b.fragment, b.code])).toEqual([
      [4, 'sh', 'starts a server', false, false, 'verbo serve'],
      [9, 'yaml', undefined, true, true, '```'],
      [12, 'ts', 'marked no-run in the info string', false, false, 'x'],
      [15, '', undefined, false, false, 'plain'],
    ]);
  });

  it('refuses an unknown mark', () => {
    const md = join(dir, 'b.md');
    writeFileSync(md, '<!-- docs-test: skipp (typo) -->\n```sh\nls\n```\n');
    expect(() => extractBlocks(md)).toThrow(/unknown docs-test mark "skipp"/);
  });
});

describe('parseShell', () => {
  it('reads stated statuses from comments, multi-line commands and envelopes', () => {
    const { commands, transcript } = parseShell(
      [
        'API=http://localhost:3000',
        "curl -X PATCH $API/customers/2 -d '[",
        '  {"op": "remove", "path": "/tags/5"}]\'',
        '# 409: nothing changed',
        'curl -i "$API/customers#x"   # 200 + the record',
        'curl -s $API/nope',
        '# [{"code":"ROUTE_NOT_FOUND","status":404}]',
        'curl $API/customers | grep -c id',
      ].join('\n'),
    );
    expect(transcript).toBe(false);
    expect(commands.map((c) => [c.isCurl, c.claim])).toEqual([
      [false, undefined],
      [true, 409],
      [true, 200],
      [true, 404],
      [true, undefined],
    ]);
  });

  it('runs only the $ lines of a transcript and reads their status lines', () => {
    const parsed = parseShell(
      [
        '$ curl -i -X PATCH localhost:3000/clients/1 \\',
        '    -d x',
        'HTTP/1.1 308 Permanent Redirect',
        '$ curl -s x',
        '{"deleted":1}',
      ].join('\n'),
    );
    expect(parsed.script).toBe('curl -i -X PATCH localhost:3000/clients/1 \\\n    -d x\ncurl -s x');
    expect(parsed.commands.map((c) => c.claim)).toEqual([308, undefined]);
  });

  it('compares the statuses the calls got with the stated ones', () => {
    const { commands } = parseShell('curl a   # 404\ncurl b\ncurl c');
    const { statuses, stderr } = readStatuses(
      'x\n@@docs-test status 404\n\n@@docs-test status 500\ny\n@@docs-test status 201\n',
    );
    expect(statuses).toEqual([404, 500, 201]);
    expect(stderr).not.toContain('@@docs-test');
    expect(statusProblems(commands, statuses)).toEqual(['curl b\n  → 500, the doc says success (< 400)']);
    expect(statusProblems(commands, [404])).toEqual(['3 curl commands in the block, 1 calls made']);
  });
});
