/** docs/errors.md against the catalogue: the same codes, statuses, stages and English messages, the stages in order. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { ERROR_STAGES } from '../../src/errors/error-stages.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of the markdown table whose header row starts with `header`. */
function table(header: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `docs/errors.md has a table starting "${header}"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('documents every catalogue code with its status, stage and English message, and nothing else', () => {
    const documented = table('| code | status | stage | user message (en) |').map(
      ([code, status, stage, en]) => ({
        code,
        status: Number(status),
        stage,
        en,
      }),
    );
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, e]) => ({
      code,
      status: e.status,
      stage: e.stage,
      en: e.en,
    }));
    expect(documented).toEqual(catalogue);
  });

  it('lists the stages in the order the catalogue knows', () => {
    expect(table('| # | stage |').map(([n, stage]) => [Number(n), stage])).toEqual(
      ERROR_STAGES.map((s, i) => [i + 1, s]),
    );
  });
});
