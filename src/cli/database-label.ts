/** How the CLI names a `--db` value to a person: never a password. */
import { resolve } from 'node:path';

export function databaseLabel(db: string): string {
  if (/^postgres(ql)?:\/\//.test(db)) {
    try {
      const url = new URL(db);
      const port = url.port || '5432';
      const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres';
      return `PostgreSQL ${url.hostname || 'localhost'}:${port}/${name}`;
    } catch {
      return 'PostgreSQL (the URL does not parse)';
    }
  }
  return db === ':memory:' ? 'SQLite in memory (gone when the server stops)' : `SQLite ${resolve(db)}`;
}
