/** `verbo users add|list` on the same database and config as `serve` (docs/auth.md issue item 3). */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { UsageError } from '../../src/cli/cli-args.js';
import { usersCommand } from '../../src/cli/users-command.js';
import { startAuthServer } from '../support/auth-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const SECURE = fileURLToPath(new URL('../../examples/crm-secure/verbo.yaml', import.meta.url));

function io(stdin = '') {
  const lines: string[] = [];
  return { lines, io: { stdin: Readable.from([stdin]), out: (line: string) => lines.push(line) } };
}

describeEachStore('verbo users', (_target, getDb) => {
  const run = (args: string[], stdin = '') => {
    const t = io(stdin);
    return usersCommand([...args, '--config', SECURE, '--db', getDb()], t.io).then((code) => ({
      code,
      out: t.lines.join('\n'),
    }));
  };

  it('users add --password-stdin --role … creates a user who can then sign in with those roles', async () => {
    const added = await run(
      ['add', 'Root@Example.com', '--role', 'admin', '--role', 'sales', '--name', 'Root', '--password-stdin'],
      'root password 123\n',
    );
    expect(added).toEqual({ code: 0, out: 'added user 1 root@example.com with roles admin, sales' });
    const server = await startAuthServer({ db: getDb(), yaml: readFileSync(SECURE, 'utf8') });
    try {
      const res = await server.request('POST', '/auth/login', {
        body: { email: 'root@example.com', password: 'root password 123' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ name: 'Root', roles: ['admin', 'sales'] });
    } finally {
      await server.close();
    }
  });

  it('users add without --password-stdin prints a generated password once; a taken email exits 1', async () => {
    const added = await run(['add', 'plain@example.com']);
    expect(added.code).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(added.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await run(['add', 'PLAIN@example.com', '--password-stdin'], 'another password')).code).toBe(1);
  });

  it('users list prints every user, as a table or JSON, never a password hash', async () => {
    const table = await run(['list']);
    expect(table.code).toBe(0);
    expect(table.out.split('\n').map((l) => l.split('\t').slice(0, 4))).toEqual([
      ['1', 'root@example.com', 'Root', 'admin,sales'],
      ['2', 'plain@example.com', '-', '-'],
    ]);
    const json = JSON.parse((await run(['list', '--json'])).out);
    expect(json.map((u: { email: string }) => u.email)).toEqual(['root@example.com', 'plain@example.com']);
    expect(JSON.stringify(json)).not.toMatch(/scrypt|passwordHash/);
  });

  it('refuses bad input with a usage error: short password, bad email or role, unknown action, a config without auth', async () => {
    await expect(run(['add', 'short@example.com', '--password-stdin'], 'short\n')).rejects.toThrow(
      /at least 8 characters/,
    );
    await expect(run(['add', 'not-an-email'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['add', 'x@example.com', '--role', 'no spaces'])).rejects.toThrow(/--role/);
    await expect(run(['remove', 'x@example.com'])).rejects.toThrow(/unknown action/);
    const t = io();
    await expect(usersCommand(['list', '--config', CRM_CONFIG, '--db', getDb()], t.io)).rejects.toThrow(
      /no `auth` section/,
    );
  });
});
