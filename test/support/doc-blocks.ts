/**
 * Extracts the fenced code blocks of a Markdown file, with the docs-test marks that say how to run
 * them (test/support/doc-suite.ts):
 *
 * - `<!-- docs-test: config PATH [seed PATH] -->` anywhere in the file: the config (and seed) the
 *   file's server is started with (default: the CRM example and its seed).
 * - `<!-- docs-test: skip (reason) -->` as the last non-blank line before a block, or `no-run` in its
 *   info string (```` ```sh no-run ````): the block is not run, and the reason is printed.
 * - `<!-- docs-test: fresh (reason) -->` before a block: a new server on a new database first.
 * - `<!-- docs-test: fragment -->` before a `yaml` block (or `fragment` in its info string): a part
 *   of a config, checked merged into the file's config.
 *
 * Only CommonMark fences are recognised: three or more backticks or tildes, indented at most three
 * spaces, closed by the same character at least as many times.
 */
import { readFileSync } from 'node:fs';

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The first word of the info string, lower-cased ('' when none). */
  lang: string;
  /** The other words of the info string. */
  flags: string[];
  code: string;
  skip?: string;
  fresh: boolean;
  fragment: boolean;
}

export interface DocFile {
  file: string;
  config?: string;
  seed?: string;
  blocks: DocBlock[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;
const MARK = /^<!--\s*docs-test:\s*(\w[\w-]*)\s*(.*?)\s*-->$/;

interface Mark {
  kind: string;
  arg: string;
}

export function extractBlocks(path: string, file = path): DocFile {
  const lines = readFileSync(path, 'utf8').split('\n');
  const doc: DocFile = { file, blocks: [] };
  let pending: Mark[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const mark = MARK.exec(text.trim());
    if (mark) {
      const m = { kind: mark[1], arg: mark[2] };
      if (m.kind === 'config') readConfigMark(doc, m.arg, `${file}:${i + 1}`);
      else pending.push(m);
      continue;
    }
    const open = FENCE.exec(text);
    if (!open) {
      if (text.trim() !== '') pending = [];
      continue;
    }
    const fence = open[1];
    const [lang = '', ...flags] = open[2].trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j])) body.push(lines[j++]);
    doc.blocks.push(toBlock(file, i + 1, lang.toLowerCase(), flags, body.join('\n'), pending));
    pending = [];
    i = j;
  }
  return doc;
}

function toBlock(
  file: string,
  line: number,
  lang: string,
  flags: string[],
  code: string,
  marks: Mark[],
): DocBlock {
  const block: DocBlock = {
    file,
    line,
    lang,
    flags,
    code,
    fresh: false,
    fragment: flags.includes('fragment'),
  };
  if (flags.includes('no-run')) block.skip = 'marked no-run in the info string';
  for (const m of marks) {
    const reason = m.arg.replace(/^\((.*)\)$/, '$1');
    if (m.kind === 'skip') block.skip = reason || 'marked skip';
    else if (m.kind === 'fresh') block.fresh = true;
    else if (m.kind === 'fragment') block.fragment = true;
    else throw new Error(`${file}:${line}: unknown docs-test mark "${m.kind}"`);
  }
  return block;
}

function readConfigMark(doc: DocFile, arg: string, where: string): void {
  const words = arg.split(/\s+/);
  doc.config = words[0];
  if (words[1] === 'seed' && words[2]) doc.seed = words[2];
  else if (words.length > 1) throw new Error(`${where}: expected "config PATH [seed PATH]"`);
}
