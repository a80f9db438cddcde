/**
 * The order vitest starts test files in. Without a cache of earlier runs (a clean CI clone) vitest
 * starts the largest files first, and a short file that runs for a minute (a docs shard, a browser
 * file) could then start last and run alone while the other worker sits idle. The files that take
 * longest start first here, in the order of a full run's timings (`vitest run --reporter=json`);
 * every other file follows in vitest's own order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Path fragments of the longest files, longest first (seconds in a full run, 2026-12-06). */
const SLOW_FIRST = [
  'test/browser/admin-app.test.ts', // 51 s
  'test/cli/migrate-command.test.ts', // 33 s
  'test/docs/docs-blocks-2.test.ts', // ~30 s
  'test/openapi/openapi-lint.test.ts', // 31 s
  'test/cli/webhook-processes.test.ts', // 27 s
  'test/docs/docs-blocks-1.test.ts', // ~24 s
  'test/browser/admin-live-files.test.ts', // 24 s
  'test/cli/workers.test.ts', // 24 s
  'test/browser/docs-page.test.ts', // 19 s
  'test/reliability/fuzz.test.ts', // 19 s
  'test/http/webhooks.test.ts', // 18 s
  'test/docs/docs-blocks-3.test.ts', // ~14 s
];

const rank = (spec: TestSpecification): number => {
  const path = spec.moduleId.replaceAll('\\', '/');
  const i = SLOW_FIRST.findIndex((p) => path.endsWith(p));
  return i === -1 ? SLOW_FIRST.length : i;
};

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    // Array.prototype.sort is stable: files of one rank keep vitest's order.
    return base.sort((a, b) => rank(a) - rank(b));
  }
}
