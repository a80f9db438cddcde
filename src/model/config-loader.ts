/** Reads a verbo.yaml / verbo.json file into plain data, remembering where each path sits. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ConfigError, type ConfigProblem } from './config-problem.js';

export interface LoadedConfig {
  file: string;
  data: unknown;
  /** Line (1-based) of a path in the file, when known. */
  lineOf(path: (string | number)[]): number | undefined;
}

export const DEFAULT_CONFIG_NAMES = ['verbo.yaml', 'verbo.yml', 'verbo.json'];

export function findConfig(cwd: string): string | undefined {
  return DEFAULT_CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([
      { file, path: [], message: `cannot read the file (${(e as NodeJS.ErrnoException).code})` },
    ]);
  }
  return parseConfigText(text, file);
}

/** YAML is a superset of JSON, so one parser serves both formats with line numbers. */
export function parseConfigText(text: string, file: string): LoadedConfig {
  if (file.endsWith('.json')) checkStrictJson(text, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new ConfigError(syntaxProblems(doc.errors, text, file, lineCounter));
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf(path) {
      let node: unknown = doc.contents;
      let offset: number | undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
          if (!pair) break;
          offset = (pair.key as { range?: [number] })?.range?.[0];
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          offset = (node as { range?: [number] })?.range?.[0];
        } else break;
      }
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}

/**
 * One problem per syntax error, at file:line:column; a duplicate key is named. The parser can report
 * one mistake several times (a tab indent at each level): the same message on one line is kept once.
 */
function syntaxProblems(
  errors: YAMLError[],
  text: string,
  file: string,
  lines: LineCounter,
): ConfigProblem[] {
  const format = file.endsWith('.json') ? 'JSON' : 'YAML';
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const e of errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    let message = e.message.split('\n')[0].replace(/\.$/, '');
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^("[^"]*"|'[^']*'|[^:\n]*?)\s*:/.exec(text.slice(e.pos[0]))?.[1];
      message = key ? `the key "${key.replace(/^['"]|['"]$/g, '')}" appears twice in one mapping` : message;
    }
    if (seen.has(`${line}\0${message}`)) continue;
    seen.add(`${line}\0${message}`);
    out.push({ file, path: [], line, column: col, message: `not valid ${format}: ${message}` });
  }
  return out;
}

/** YAML accepts things JSON does not (`{"a": }`); a .json file must be strict JSON. */
function checkStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const before = pos ? text.slice(0, Number(pos[1])).split('\n') : undefined;
    throw new ConfigError([
      {
        file,
        path: [],
        line: before?.length,
        column: before ? before[before.length - 1].length + 1 : undefined,
        message: `not valid JSON: ${message}`,
      },
    ]);
  }
}
