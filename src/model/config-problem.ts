/** A problem found in a config file: where it is and what is wrong. */
export interface ConfigProblem {
  file: string;
  /** Path inside the document, e.g. ['resources', 'customers', 'fields', 'email', 'type']. */
  path: (string | number)[];
  line?: number;
  /** Column (1-based), for syntax errors. */
  column?: number;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  /** The problems in file order (by line; those without a line keep their place at the end). */
  constructor(problems: ConfigProblem[]) {
    problems = [...problems].sort((a, b) => lineKey(a) - lineKey(b) || (a.column ?? 0) - (b.column ?? 0));
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}` : p.file;
  const path = p.path.length ? ` at ${p.path.join('.')}` : '';
  return `${where}${path}: ${p.message}`;
}

const lineKey = (p: ConfigProblem): number => p.line ?? Number.MAX_SAFE_INTEGER;
