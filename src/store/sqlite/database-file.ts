/** Opens the SQLite file, creating its directory; every failure names the path and what to check. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export function openDatabaseFile(path: string): Database.Database {
  if (path !== ':memory:') createDirectory(dirname(resolve(path)), path);
  try {
    return new Database(path);
  } catch (e) {
    throw new Error(`cannot open the SQLite database ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * One level at a time from the nearest existing ancestor: Node's `mkdirSync(…, { recursive: true })`
 * never returns under a directory like /proc, where creation fails with ENOENT on every retry.
 */
function createDirectory(dir: string, file: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new Error(
        `cannot create the directory ${d} for the SQLite database ${file} (${code}): choose another --db path`,
        { cause: e },
      );
    }
  }
}
