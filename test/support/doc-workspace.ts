/**
 * Where one Markdown file's blocks run: a temporary folder laid out like a user's project next to a
 * verbo server started from the built CLI (test/support/doc-suite.ts).
 *
 * The folder holds `verbo.yaml` (the served config), `examples/` (this repository's), `src/`, a
 * `bin/verbo` that runs dist/cli/main.js, and `node_modules/` with the few packages the examples import plus
 * `verbo` and `verbo-api` pointing at this repository, so `verbo/client` and `verbo-api/client`
 * both resolve to dist/client/index.js.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, type Served, serveCli } from './cli-harness.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_CONFIG = 'examples/crm/verbo.yaml';
const DEFAULT_SEED = 'examples/crm/seed.json';
const PACKAGE_NAMES = ['verbo', 'verbo-api'];
/** Packages the docs' examples import besides verbo. */
const LINKED_PACKAGES = ['openapi-fetch'];

export class DocWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'verbo-docs-'));
  readonly config: string;
  private readonly seed?: string;
  private served?: Served;
  private generation = 0;

  constructor(config?: string, seed?: string) {
    this.config = join(REPO, config ?? DEFAULT_CONFIG);
    const seedPath = config ? seed : (seed ?? DEFAULT_SEED);
    this.seed = seedPath ? join(REPO, seedPath) : undefined;
    copyFileSync(this.config, join(this.dir, 'verbo.yaml'));
    // A project of its own, as a user's is: Node looks for the package scope of src/*.mjs upward and
    // stops here, so a stray package.json above the temporary folder (say /tmp/package.json named
    // verbo-api) cannot capture `verbo-api/client` as a self-reference.
    writeFileSync(join(this.dir, 'package.json'), JSON.stringify({ name: 'docs-workspace', private: true }));
    symlinkSync(join(REPO, 'examples'), join(this.dir, 'examples'));
    mkdirSync(join(this.dir, 'src'));
    mkdirSync(join(this.dir, 'bin'));
    writeFileSync(join(this.dir, 'bin', 'verbo'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(this.dir, 'bin', 'verbo'), 0o755);
    // Links to single packages only, never to the shared node_modules or a scope folder in it.
    const modules = join(this.dir, 'node_modules');
    mkdirSync(modules);
    for (const name of LINKED_PACKAGES) symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
    for (const name of PACKAGE_NAMES) symlinkSync(REPO, join(modules, name));
  }

  /** `http://127.0.0.1:PORT` of the running server. */
  get url(): string {
    if (!this.served) throw new Error('no server running');
    return this.served.url;
  }

  /** Starts the server on a new database (stopping the previous one). */
  async start(): Promise<void> {
    await this.stopServer();
    const db = join(this.dir, `server-${++this.generation}.sqlite`);
    const seed = this.seed ? ['--seed', this.seed] : [];
    this.served = await serveCli([this.config, '--db', db, ...seed]);
  }

  /** The block's code with `localhost:3000` pointing at the test server. */
  localize(code: string): string {
    const host = this.url.replace(/^http:\/\//, '');
    return code.replace(/\b(localhost|127\.0\.0\.1):3000\b/g, host);
  }

  /** The environment blocks run with: `verbo` and `node_modules/.bin` on PATH. */
  env(): NodeJS.ProcessEnv {
    const path = [join(this.dir, 'bin'), join(REPO, 'node_modules', '.bin'), process.env.PATH].join(':');
    return { ...process.env, PATH: path, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' };
  }

  /** The server's output so far (for failure messages). */
  serverOutput(): string {
    return this.served?.output() ?? '';
  }

  async close(): Promise<void> {
    await this.stopServer();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async stopServer(): Promise<void> {
    const served = this.served;
    this.served = undefined;
    if (!served || served.child.exitCode !== null) return;
    served.child.kill('SIGTERM');
    await served.exited;
  }
}
