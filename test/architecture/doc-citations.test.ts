/**
 * The repo explains itself: comments and docs cite the project's own docs (`docs/…`), never a
 * section sign of a document a clone does not have. RFC sections (`RFC 9110 §13.2.2`) are fine.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function filesUnder(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(rel, exts));
    else if (exts.test(name)) out.push(rel);
  }
  return out;
}

/** A single-digit section sign (`§3`) not preceded by an RFC number: RFC sub-sections (`§13.2.2`) pass. */
function foreignSections(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(/§[1-9](?![\d.])/g)) {
      if (/RFC ?\d+ $/.test(line.slice(0, m.index))) continue;
      found.push(line.trim());
    }
  }
  return found;
}

describe('citations', () => {
  it('the checker finds a contract section and lets RFC sections through', () => {
    expect(foreignSections('// the envelope (§3)')).toHaveLength(1);
    expect(foreignSections('// RFC 9110 §13.2.2 orders them')).toEqual([]);
    expect(foreignSections('// no modification date (§13.1.4).')).toEqual([]);
    expect(foreignSections('// RFC 5789 §2.2 lists two')).toEqual([]);
  });

  it('no source, test or doc cites a section of a document outside the repo', () => {
    const files = [
      ...filesUnder('src', /\.tsx?$/),
      ...filesUnder('test', /\.ts$/).filter((f) => !f.endsWith('doc-citations.test.ts')),
      ...filesUnder('admin/src', /\.tsx?$/),
      ...filesUnder('docs', /\.md$/),
      'README.md',
    ];
    const offenders = files.flatMap((f) =>
      foreignSections(readFileSync(join(root, f), 'utf8')).map((line) => `${f}: ${line}`),
    );
    expect(offenders).toEqual([]);
  });
});
