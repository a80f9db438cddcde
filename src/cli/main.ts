#!/usr/bin/env node
/** The `verbo` command: thin sub-commands over the same app object. */
import { createRequire } from 'node:module';
import { closestName } from '../model/closest-name.js';
import { ConfigError, formatProblem } from '../model/config-problem.js';
import { SchemaChangeRefused } from '../store/store-errors.js';
import { CHECK_USAGE, checkCommand } from './check-command.js';
import { UsageError } from './cli-args.js';
import { EXPORT_USAGE, exportCommand } from './export-command.js';
import { IMPORT_USAGE, importCommand } from './import-command.js';
import { MIGRATE_USAGE, migrateCommand } from './migrate-command.js';
import { OPENAPI_USAGE, openapiCommand } from './openapi-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';
import { TYPES_USAGE, typesCommand } from './types-command.js';
import { USERS_USAGE, usersCommand } from './users-command.js';

const USAGE = `Usage: verbo <command> [options]

Commands:
  serve [CONFIG]   serve the REST API declared in CONFIG
  check [CONFIG]   validate CONFIG and list every problem
  migrate [CONFIG] show (and --apply) the plan that brings the database to CONFIG
  openapi [CONFIG] print the OpenAPI 3.1 document of the API
  types [CONFIG]   write TypeScript types of the records (for verbo-api/client)
  import FILE      import rows (NDJSON, CSV, JSON, a json-server db.json) into a resource
  export RESOURCE  write every record of a resource as CSV or NDJSON to standard output
  users add|list   manage the users of a config with an auth section

Options:
  -v, --version    print the version
  -h, --help       show this help

Run 'verbo <command> --help' for its options.`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE },
  check: { run: checkCommand, usage: CHECK_USAGE },
  migrate: { run: migrateCommand, usage: MIGRATE_USAGE },
  openapi: { run: openapiCommand, usage: OPENAPI_USAGE },
  types: { run: typesCommand, usage: TYPES_USAGE },
  import: { run: importCommand, usage: IMPORT_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  users: { run: (argv) => usersCommand(argv), usage: USERS_USAGE },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(packageVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const near = closestName(name, Object.keys(COMMANDS));
    console.error(
      `verbo: unknown command '${name}'${near ? `. Did you mean 'verbo ${near}'?` : ''}\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`verbo ${name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      console.error(
        `verbo: the config has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}:`,
      );
      for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
      return 1;
    }
    if (e instanceof SchemaChangeRefused) {
      console.error(`verbo: ${e.message}`);
      return 1;
    }
    console.error(`verbo: ${(e as Error).message}`);
    return 1;
  }
}

/** The installed package's version (dist/cli/main.js → ../../package.json). */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

// `verbo openapi | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
