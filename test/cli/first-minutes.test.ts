/**
 * What a new user meets first, through the built CLI: located config errors, "did you mean",
 * failures that name what failed and what to do, the banner, the logs, and `verbo check` warnings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-first-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const problemLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('  '));

describe('config errors', () => {
  it('a duplicate key is reported once, at file:line:column, with its name', () => {
    const file = write('dup.yaml', 'resources:\n  items:\n    fields:\n      a: string\n      a: integer\n');
    const r = runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      `  ${file}:5:7: not valid YAML: the key "a" appears twice in one mapping`,
    ]);
  });

  it('a tab indent gives one problem per line, with its position', () => {
    const file = write('tab.yaml', 'resources:\n\titems:\n    fields: {}\n');
    const lines = problemLines(runCli(['check', file]).stderr);
    expect(lines[0]).toBe(`  ${file}:2:1: not valid YAML: Tabs are not allowed as indentation`);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('suggests the key meant: feilds, requird, maxlength, an unknown type', () => {
    const file = write(
      'typos.yaml',
      'resources:\n  books:\n    feilds: {}\n    fields:\n      title: { type: string, requird: true, maxlength: 20 }\n      n: integr\n',
    );
    const r = runCli(['check', file]);
    expect(r.stderr).toContain('resources.books.feilds: unknown key');
    expect(r.stderr).toContain('Did you mean "fields"?');
    expect(r.stderr).toContain('title.requird: unknown option for type string');
    expect(r.stderr).toContain('Did you mean "required"?');
    expect(r.stderr).toContain('Did you mean "maxLength"?');
    expect(r.stderr).toContain('unknown type "integr"');
    expect(r.stderr).toContain('Did you mean "integer"?');
  });

  it('a reference without `to` is one problem, never about "undefined"', () => {
    const file = write(
      'ref.yaml',
      'resources:\n  loans:\n    fields:\n      memberId: { type: reference }\n',
    );
    const r = runCli(['check', file]);
    expect(problemLines(r.stderr)).toEqual([
      `  ${file}:4 at resources.loans.fields.memberId.to: must name a resource`,
    ]);
    expect(r.stderr).not.toContain('undefined');
  });

  it('never shows the validator’s wording, and lists problems in file order', () => {
    const file = write(
      'order.yaml',
      'resources:\n  books:\n    fields:\n      pages: { type: integer, default: "abc" }\n      title: { type: string, minLength: 3, default: "ab" }\nnam: library\n',
    );
    const r = runCli(['check', file]);
    expect(r.stderr).not.toMatch(/anyOf|must match|must NOT/);
    const lines = problemLines(r.stderr);
    expect(lines).toEqual([
      `  ${file}:4 at resources.books.fields.pages.default: default "abc" is not a valid integer`,
      `  ${file}:5 at resources.books.fields.title.default: default "ab" is not a valid string: it must have at least 3 characters`,
      expect.stringMatching(new RegExp(`^  ${file}:6 at nam: unknown key .*Did you mean "name"\\?$`)),
    ]);
  });

  it('names a config path that does not exist', () => {
    const r = runCli(['serve', join(dir, 'nope.yaml'), '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`verbo: the config file ${join(dir, 'nope.yaml')} does not exist`);
  });
});

describe('commands and options', () => {
  it('verbo --version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('suggests the command and the option meant', () => {
    const cmd = runCli(['serv']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("verbo: unknown command 'serv'. Did you mean 'verbo serve'?");
    const opt = runCli(['serve', '--prot', '3000']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('verbo serve: unknown option --prot. Did you mean --port?');
  });
});

describe('failures that say what failed and what to do', () => {
  it('a SQLite path that cannot be created fails at once, naming it (not a hang)', () => {
    const r = runCli(['serve', CRM_CONFIG, '--db', '/proc/nope/x.sqlite', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'cannot create the directory /proc/nope for the SQLite database /proc/nope/x.sqlite',
    );
  });

  it('an unreachable PostgreSQL is named by host, port and database, never its password', () => {
    const r = runCli([
      'serve',
      CRM_CONFIG,
      '--db',
      'postgres://app:s3cret@127.0.0.1:1/library',
      '--port',
      '0',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot use the database (PostgreSQL 127.0.0.1:1/library)');
    expect(r.stderr).not.toContain('s3cret');
  });

  it('a port in use says to use --port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runCli(['serve', CRM_CONFIG, '--db', ':memory:', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use (EADDRINUSE): use --port`);
    } finally {
      blocker.close();
    }
  });

  it('a TLS file that cannot be read is named with its flag', () => {
    const r = runCli([
      'serve',
      CRM_CONFIG,
      '--db',
      ':memory:',
      '--tls-cert',
      join(dir, 'no.pem'),
      '--tls-key',
      'k',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--tls-cert ${join(dir, 'no.pem')} does not exist`);
  });
});

describe('verbo serve output', () => {
  it('prints a banner: API, /docs, /openapi.json, the database, the number of resources', async () => {
    const db = join(dir, 'banner.sqlite');
    const s = await serveCli([CRM_CONFIG, '--db', db, '--log-level', 'silent']);
    try {
      const out = s.output();
      expect(out).toContain(`API       ${s.url}/customers  (2 resources)`);
      expect(out).toContain(`docs      ${s.url}/docs`);
      expect(out).toContain(`OpenAPI   ${s.url}/openapi.json`);
      expect(out).toContain(`database  SQLite ${db}`);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('--log-format json: RFC 3339 times, the URL with its query, the error code of a 4xx', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', ':memory:', '--log-format', 'json']);
    try {
      await fetch(`${s.url}/customers/999999?fields=name`);
      await new Promise((r) => setTimeout(r, 200));
      const entry = s
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .find((e) => e.msg === 'request');
      expect(entry).toMatchObject({
        method: 'GET',
        url: '/customers/999999?fields=name',
        status: 404,
        code: 'RECORD_NOT_FOUND',
      });
      expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('--log-format pretty: one readable line per request', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', ':memory:', '--log-format', 'pretty']);
    try {
      await fetch(`${s.url}/customers?limit=2`);
      await fetch(`${s.url}/customers/abc`);
      await new Promise((r) => setTimeout(r, 200));
      const out = s.output();
      expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/customers\?limit=2 200 [\d.]+ ms$/m);
      expect(out).toMatch(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/customers\/abc 404 RECORD_NOT_FOUND [\d.]+ ms$/m,
      );
      expect(out).not.toMatch(/^\{/m);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('refuses an unknown --log-format', () => {
    const r = runCli(['serve', CRM_CONFIG, '--db', ':memory:', '--log-format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--log-format must be json or pretty, got xml');
  });
});

describe('verbo check warnings (exit 0)', () => {
  it('warns about required references in a cycle and field names that are query parameters', () => {
    const file = write(
      'warn.yaml',
      [
        'resources:',
        '  authors:',
        '    fields:',
        '      favouriteBookId: { type: reference, to: books, required: true }',
        '  books:',
        '    fields:',
        '      authorId: { type: reference, to: authors, required: true }',
        '      sort: string',
        '      cursor: string',
        '  tags:',
        '    fields:',
        '      parentId: { type: reference, to: tags }',
        '',
      ].join('\n'),
    );
    const r = runCli(['check', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK (authors, books, tags), 3 warnings');
    const warnings = r.stdout.split('\n').filter((l) => l.includes('warning:'));
    expect(warnings).toEqual([
      expect.stringContaining(
        `${file}:4 at resources.authors.fields.favouriteBookId: required references form a cycle (authors.favouriteBookId → books.authorId → authors): no record can ever be inserted`,
      ),
      expect.stringContaining(`${file}:8 at resources.books.fields.sort: \`sort\` is also a query parameter`),
      expect.stringContaining(
        `${file}:9 at resources.books.fields.cursor: \`cursor\` is also a query parameter`,
      ),
    ]);
  });
});
