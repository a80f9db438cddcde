/** `verbo types [CONFIG] [--out FILE]`: TypeScript types of the records, for code and for `verbo-api/client`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { generateRecordTypes } from '../codegen/record-types.js';
import { loadModel } from '../model/index.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { configPath } from './config-path.js';

export const TYPES_USAGE = `Usage: verbo types [CONFIG] [--out FILE]

Writes TypeScript types for the records of CONFIG (default: ./verbo.yaml or ./verbo.json):
for each resource its read shape (Customer), create shape (CustomerCreate) and merge-patch
update shape (CustomerUpdate), and the Resources map for createClient<Resources>() from verbo-api/client.

Options:
  --out FILE   write to FILE (e.g. src/api-types.ts) instead of standard output
  -h, --help   show this help`;

export async function typesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string', short: 'o' } });
  if (values.help) {
    console.log(TYPES_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  const file = configPath(positionals[0]);
  const source = generateRecordTypes(loadModel(file), { source: basename(file) });
  if (!values.out) {
    process.stdout.write(source);
    return 0;
  }
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, source);
  console.error(`verbo types: wrote ${out}`);
  return 0;
}
