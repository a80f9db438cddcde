/** Reads a verbo.yaml / verbo.json file into plain data, remembering where each path sits. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-problem.js';

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
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        path: [],
        line: e.linePos?.[0]?.line,
        message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`,
      })),
    );
  }
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

/** YAML accepts things JSON does not (`{"a": }`); a .json file must be strict JSON. */
function checkStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new ConfigError([{ file, path: [], line, message: `not valid JSON: ${message}` }]);
  }
}
