/** `verbo check [CONFIG]`: validates a config, prints every problem, exits 1 when there are any. */
import { buildModel } from '../model/build-model.js';
import { loadConfigFile } from '../model/config-loader.js';
import { ConfigError, formatProblem } from '../model/config-problem.js';
import { configWarnings } from '../model/config-warnings.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { configPath } from './config-path.js';
import { queryAdvice } from './query-advice.js';

export const CHECK_USAGE = `Usage: verbo check [CONFIG] [--db DB --queries FILE [--min-rows N]]

Validates CONFIG (default: ./verbo.yaml or ./verbo.json) and lists every problem (exit 1),
then warnings about a config that serves but cannot do all it seems to (exit 0): required
references in a cycle, field names that are also query parameters.

With --db and --queries: for each list URL in FILE (one a line), warns when the database would
sort, or scan while filtering, more than N rows (default 1000) without an index, naming the
\`indexes:\` line that would serve it (docs/migrations.md). A line that is no list query: exit 1.`;

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    db: { type: 'string' },
    queries: { type: 'string' },
    'min-rows': { type: 'string' },
  });
  if (values.help) {
    console.log(CHECK_USAGE);
    return 0;
  }
  const file = configPath(positionals[0]);
  try {
    const loaded = loadConfigFile(file);
    const model = buildModel(loaded);
    const warnings = configWarnings(model, loaded);
    const note = warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
    console.log(`${file}: OK (${model.resources.map((r) => r.name).join(', ')})${note}`);
    // Warnings do not fail the check: the config serves, but does not do all it seems to.
    for (const w of warnings) console.log(`  warning: ${formatProblem(w)}`);
    if (values.queries === undefined) return 0;
    const minRows = Number(values['min-rows'] ?? 1000);
    if (!Number.isInteger(minRows) || minRows < 0)
      throw new UsageError(`--min-rows must be a whole number, got ${values['min-rows']}`);
    const db = values.db ?? process.env.DATABASE_URL ?? 'data/verbo.sqlite';
    const { advice, problems } = await queryAdvice(model, db, values.queries, minRows);
    for (const a of advice) console.log(`  warning: ${a}`);
    for (const p of problems) console.error(`  ${p}`);
    return problems.length ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${file}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}`);
    for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
    return 1;
  }
}
