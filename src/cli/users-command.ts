/** `verbo users add|list`: manage the users of a config with `auth`, on the same store as `serve`. */
import { randomBytes } from 'node:crypto';
import { UserAccounts } from '../auth/user-accounts.js';
import { ROLE_NAME } from '../model/access-rules.js';
import { loadModel } from '../model/index.js';
import { openStore } from '../store/open-store.js';
import { UniqueViolation } from '../store/store-errors.js';
import { createAjv } from '../write/record-validator.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { configPath } from './config-path.js';

export const USERS_USAGE = `Usage: verbo users add EMAIL [options]
       verbo users list [options]

Manages the users of a config with an \`auth\` section, in the same database \`verbo serve\` uses.

Options:
  --config FILE       the config (default: ./verbo.yaml or ./verbo.json)
  --db PATH|URL       SQLite file or postgres://… (default ./data/verbo.sqlite, or $DATABASE_URL)
  --role ROLE         (add) give the user this role; repeat for several (\`admin\` passes every rule)
  --name NAME         (add) the user's display name
  --password-stdin    (add) read the password from standard input (one line); without it a random
                      password is generated and printed once
  --json              (list) print JSON instead of a table
  -h, --help          show this help`;

export interface UsersIo {
  stdin: NodeJS.ReadableStream;
  out(line: string): void;
}

const defaultIo: UsersIo = { stdin: process.stdin, out: (line) => console.log(line) };
const isEmail = createAjv().compile({ type: 'string', format: 'email', maxLength: 320 });

async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function usersCommand(argv: string[], io: UsersIo = defaultIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    config: { type: 'string' },
    db: { type: 'string' },
    role: { type: 'string', multiple: true },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.out(USERS_USAGE);
    return 0;
  }
  const [action, email, ...extra] = positionals;
  if (action !== 'add' && action !== 'list')
    throw new UsageError(
      action ? `unknown action '${action}' (add or list)` : 'an action is needed: add or list',
    );
  if (extra.length || (action === 'list' && email !== undefined))
    throw new UsageError(`unexpected argument: ${extra[0] ?? email}`);
  if (action === 'add' && (!email || !isEmail(email)))
    throw new UsageError(`users add needs a valid EMAIL, got ${email ?? 'nothing'}`);
  const roles = values.role ?? [];
  const badRole = roles.find((r) => !ROLE_NAME.test(r));
  if (badRole !== undefined)
    throw new UsageError(`--role ${badRole}: roles are letters, digits, _ . - (starting with a letter)`);

  const model = loadModel(configPath(values.config));
  if (!model.auth) throw new UsageError('the config has no `auth` section, so it has no users');
  const password =
    action === 'add' ? (values['password-stdin'] ? await readPassword(io.stdin) : undefined) : undefined;
  if (password !== undefined && password.length < model.auth.passwordMinLength) {
    throw new UsageError(`the password must have at least ${model.auth.passwordMinLength} characters`);
  }
  const store = await openStore(values.db ?? process.env.DATABASE_URL ?? 'data/verbo.sqlite');
  try {
    await store.sync(model);
    const users = new UserAccounts(store, model.auth);
    if (action === 'list') {
      const all = await users.list();
      if (values.json) io.out(JSON.stringify(all, null, 2));
      else
        for (const u of all)
          io.out([u.id, u.email, u.name ?? '-', u.roles.join(',') || '-', u.createdAt].join('\t'));
      return 0;
    }
    const generated = password === undefined ? randomBytes(18).toString('base64url') : undefined;
    try {
      const user = await users.create({
        email: email!,
        password: password ?? generated!,
        name: values.name,
        roles,
      });
      io.out(
        `added user ${user.id} ${user.email}${user.roles.length ? ` with roles ${user.roles.join(', ')}` : ''}`,
      );
      if (generated) io.out(`password (shown once): ${generated}`);
      return 0;
    } catch (e) {
      if (!(e instanceof UniqueViolation)) throw e;
      console.error(`verbo users: a user with email ${email!.toLowerCase()} already exists`);
      return 1;
    }
  } finally {
    await store.close();
  }
}
