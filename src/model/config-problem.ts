/** A problem found in a config file: where it is and what is wrong. */
export interface ConfigProblem {
  file: string;
  /** Path inside the document, e.g. ['resources', 'customers', 'fields', 'email', 'type']. */
  path: (string | number)[];
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const path = p.path.length ? ` at ${p.path.join('.')}` : '';
  return `${where}${path}: ${p.message}`;
}
