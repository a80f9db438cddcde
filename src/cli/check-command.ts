/** `verbo check [CONFIG]`: validates a config, prints every problem, exits 1 when there are any. */
import { buildModel } from '../model/build-model.js';
import { loadConfigFile } from '../model/config-loader.js';
import { ConfigError, formatProblem } from '../model/config-problem.js';
import { parseCommandArgs } from './cli-args.js';
import { configPath } from './config-path.js';

export const CHECK_USAGE = `Usage: verbo check [CONFIG]

Validates CONFIG (default: ./verbo.yaml or ./verbo.json) and lists every problem.`;

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {});
  if (values.help) {
    console.log(CHECK_USAGE);
    return 0;
  }
  const file = configPath(positionals[0]);
  try {
    const model = buildModel(loadConfigFile(file));
    console.log(`${file}: OK (${model.resources.map((r) => r.name).join(', ')})`);
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${file}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}`);
    for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
    return 1;
  }
}
