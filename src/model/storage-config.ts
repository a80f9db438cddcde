/**
 * The `storage` top-level key (docs/files.md): where the bytes of `file` fields live.
 * `files: { driver: fs, dir: ./data/files }` is the default; `driver: database` keeps them in the store.
 */
export interface FileStorageSettings {
  driver: 'fs' | 'database';
  /** The fs driver's directory, as written (relative paths are taken from the working directory). */
  dir: string;
}

export const DEFAULT_FILE_STORAGE: FileStorageSettings = { driver: 'fs', dir: './data/files' };

type Report = (path: (string | number)[], message: string) => void;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `storage`; every problem is reported, defaults fill the rest. */
export function readStorage(raw: unknown, report: Report): FileStorageSettings {
  const out = { ...DEFAULT_FILE_STORAGE };
  if (raw === undefined) return out;
  if (!isObject(raw)) {
    report(
      ['storage'],
      'must be a mapping with a `files` key, e.g. `{ files: { driver: fs, dir: ./data/files } }`',
    );
    return out;
  }
  for (const key of Object.keys(raw))
    if (key !== 'files') report(['storage', key], 'unknown key (expected files)');
  const files = raw.files;
  if (files === undefined) return out;
  if (!isObject(files)) {
    report(['storage', 'files'], 'must be a mapping of driver (fs or database) and dir');
    return out;
  }
  for (const [key, v] of Object.entries(files)) {
    if (key === 'driver') {
      if (v === 'fs' || v === 'database') out.driver = v;
      else report(['storage', 'files', 'driver'], `must be fs or database, got ${JSON.stringify(v)}`);
    } else if (key === 'dir') {
      if (typeof v === 'string' && v.trim() !== '') out.dir = v;
      else report(['storage', 'files', 'dir'], 'must be a directory path');
    } else report(['storage', 'files', key], 'unknown key (expected driver, dir)');
  }
  return out;
}
