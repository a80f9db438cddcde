/**
 * Runs one docs code block in its file's workspace (test/support/doc-workspace.ts): shell with curl,
 * Python with requests, TypeScript/JavaScript with the built client, YAML with `verbo check`, and
 * JSON by parsing it. Each runner throws with the block's output when the block fails.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { parse, stringify } from 'yaml';
import type { DocBlock } from './doc-blocks.js';
import { CURL_STATUS_PRELUDE, keepVariables, parseShell, readStatuses, statusProblems } from './doc-shell.js';
import type { DocWorkspace } from './doc-workspace.js';

export type Runner = (block: DocBlock, ws: DocWorkspace, previous: DocBlock[]) => Promise<void>;

const BLOCK_TIMEOUT_MS = 20_000;

/** `npx verbo …` and `npx verbo-api …` run the built CLI; other tools must be installed (no download). */
const NPX = `npx() {
  case "$1" in verbo|verbo-api) shift; set -- verbo "$@";; esac
  command -v "$1" >/dev/null || { echo "docs-test: npx would download $1" >&2; return 127; }
  "$@"
}`;

/** Blocks never install or run package scripts: `npm install` here would prune the linked packages. */
const NPM = `npm() { echo "docs-test: npm is not run from docs blocks (mark the block)" >&2; return 127; }`;

const shell: Runner = async (block, ws) => {
  const parsed = parseShell(block.code);
  const vars = join(ws.dir, '.shell-variables');
  const body = keepVariables(ws.localize(parsed.script), vars);
  const script = ['set -eo pipefail', CURL_STATUS_PRELUDE, NPM, NPX, body].join('\n');
  const r = await run('bash', ['-c', script], ws);
  const { statuses, stderr } = readStatuses(r.stderr);
  const out = { ...r, stderr };
  if (r.code !== 0) throw failure(block, `bash exited ${r.code}`, out, ws);
  const problems = statusProblems(parsed.commands, statuses);
  if (problems.length > 0) throw failure(block, problems.join('\n'), out, ws);
};

const python: Runner = async (block, ws) => {
  const file = join(ws.dir, `block-${block.line}.py`);
  writeFileSync(file, ws.localize(block.code));
  const r = await run('python3', [file], ws);
  if (r.code !== 0) throw failure(block, `python3 exited ${r.code}`, r, ws);
};

/**
 * A TS/JS block that imports nothing continues the file's last block that does (its setup, e.g.
 * the one that creates `api`), and runs after that block's code.
 */
const script: Runner = async (block, ws, previous) => {
  const imports = (b: DocBlock) => /^\s*import\s/m.test(b.code);
  const setup = imports(block)
    ? undefined
    : [...previous].reverse().find((b) => SCRIPT_LANGS.includes(b.lang) && imports(b));
  const source = ws.localize([setup?.code ?? '', block.code].join('\n'));
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = join(ws.dir, 'src', `block-${block.line}.mjs`);
  writeFileSync(file, js);
  const r = await run(process.execPath, [file], ws);
  if (r.code !== 0) throw failure(block, `node exited ${r.code}`, r, ws);
};

const yamlConfig: Runner = async (block, ws) => {
  let text = block.code;
  if (block.fragment) {
    const base = parse(readFileSync(ws.config, 'utf8'));
    text = stringify(mergeFragment(base, parse(block.code)));
  }
  const file = join(ws.dir, `block-${block.line}.yaml`);
  writeFileSync(file, text);
  const r = await run('verbo', ['check', file], ws);
  if (r.code !== 0) throw failure(block, `verbo check exited ${r.code}`, r, ws);
};

const json: Runner = async (block) => {
  JSON.parse(block.code);
};

/** Deep merge of a config fragment; a mapping member `…` stands for what the fragment leaves out. */
function mergeFragment(base: unknown, part: unknown): unknown {
  if (!isObject(base) || !isObject(part)) return part;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(part))
    if (k !== '…') out[k] = k in base ? mergeFragment(base[k], v) : v;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const SCRIPT_LANGS = ['ts', 'typescript', 'js', 'javascript'];
const RUNNERS: Record<string, Runner> = {
  sh: shell,
  bash: shell,
  shell,
  python,
  py: python,
  yaml: yamlConfig,
  yml: yamlConfig,
  json,
  ...Object.fromEntries(SCRIPT_LANGS.map((l) => [l, script])),
};

export function runnerFor(block: DocBlock): Runner | undefined {
  return RUNNERS[block.lang];
}

export function isPython(block: DocBlock): boolean {
  return RUNNERS[block.lang] === python;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a block in its own process group, and ends the whole group when the block is done or too
 * slow, so nothing a block starts (a server, a job in the background) outlives it.
 */
function run(command: string, args: string[], ws: DocWorkspace): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ws.dir, env: ws.env(), detached: true });
    const endGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group has already ended
      }
    };
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\ndocs-test: stopped after ${BLOCK_TIMEOUT_MS} ms`;
      endGroup();
    }, BLOCK_TIMEOUT_MS);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      endGroup();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function failure(block: DocBlock, what: string, r: Ran, ws: DocWorkspace): Error {
  const tail = (s: string) => s.slice(-2500);
  return new Error(
    `${block.file}:${block.line} (${block.lang}): ${what}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}` +
      `\n--- server\n${tail(ws.serverOutput()).slice(-1500)}`,
  );
}
