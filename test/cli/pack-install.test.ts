/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project, then the
 * README's quick start there (`npx verbo serve`, one request, `npx verbo types`, the client import).
 *
 * better-sqlite3 is native: its install script (`prebuild-install || node-gyp rebuild`) downloads a
 * prebuilt binary, or compiles for about 80 s. So the install stays fast and offline, the test serves
 * this checkout's own compiled binary as a prebuild mirror (prebuild-install's documented
 * `npm_config_better_sqlite3_binary_host`) for the version installed here; another version compiles.
 * Either way the install script must run in the new project (npm's `allowScripts` lets it).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const dir = mkdtempSync(join(tmpdir(), 'verbo-pack-'));
const project = join(dir, 'project');
let mirror: Server | undefined;
let served: ChildProcess | undefined;

/** A prebuild tarball (build/Release/better_sqlite3.node) of the binary compiled in this checkout. */
function prebuildMirror(): Promise<Server> {
  const sqliteDir = join(ROOT, 'node_modules', 'better-sqlite3');
  const version = (JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  const tarball = join(dir, 'prebuild.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', sqliteDir, 'build/Release/better_sqlite3.node']);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const server = createServer((req, res) => {
    if (req.url === `/v${version}/${name}`) res.end(readFileSync(tarball));
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 200_000,
  });

beforeAll(async () => {
  // dist/ is built before the CLI tests run (npm install's prepare, or `npm run build`).
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('build dist/ first: npm run build');
  const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'quick-start', private: true, allowScripts: { 'better-sqlite3': true } }),
  );
  mirror = await prebuildMirror();
  const host = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
  // The dependencies come from npm's cache (--prefer-offline): --offline also needs their metadata cached.
  // Asynchronously: the mirror in this process must answer while npm runs.
  await promisify(execFile)(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz)],
    {
      cwd: project,
      env: { ...process.env, npm_config_better_sqlite3_binary_host: host },
      timeout: 200_000,
    },
  );
  writeFileSync(
    join(project, 'verbo.yaml'),
    'resources:\n  customers:\n    fields:\n      name: { type: string, required: true }\n',
  );
}, 240_000);

afterAll(async () => {
  // npx runs verbo as its child: the whole process group goes, or the server outlives the suite.
  if (served?.pid) {
    try {
      process.kill(-served.pid, 'SIGTERM');
    } catch {
      served.kill('SIGTERM');
    }
  }
  mirror?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the packed ${pkg.name} package, installed into an empty project`, () => {
  it('installs under its own name with the verbo command, which the README and docs use', () => {
    expect(pkg.name).toBe('verbo-api');
    // The name `verbo` on npm is someone else's package: no doc may send a reader there.
    for (const file of ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)]) {
      if (!file.endsWith('.md')) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/['"]verbo\/client['"]|npm (i|install) verbo\b(?!-)/);
      // Without an install, npx must be given the package name: `npx verbo-api serve …`.
      expect(text, file).not.toMatch(/^npx verbo (serve|check|openapi) /m);
    }
    expect(run('npx', ['verbo', '--version']).trim()).toBe(pkg.version);
    // A package whose one bin has another name: npx runs that bin (docs/ use `npx verbo-api …`).
    expect(run('npx', ['verbo-api', '--version']).trim()).toBe(pkg.version);
  });

  it('serves the quick start: npx verbo serve, then one request', async () => {
    const child = spawn('npx', ['verbo', 'serve', 'verbo.yaml', '--port', '0', '--db', 'data/app.sqlite'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    served = child;
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 30_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /serving .* at (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    const res = await fetch(`${url}/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Zoe' }),
    });
    expect(res.status).toBe(201);

    // The typed client, imported by its package path from a plain ES module.
    writeFileSync(
      join(project, 'client.mjs'),
      `import { createClient } from 'verbo-api/client';
const api = createClient({ baseUrl: process.argv[2] });
const page = await api.customers.list();
console.log(JSON.stringify([...page.items].map((c) => c.name)));\n`,
    );
    expect(run(process.execPath, ['client.mjs', url]).trim()).toBe('["Zoe"]');
  }, 60_000);

  it('prints the record types: npx verbo types', () => {
    const types = run('npx', ['verbo', 'types', 'verbo.yaml']);
    expect(types).toMatch(/export interface Customer \{/);
    expect(types).toContain('name: string');
  });
});
