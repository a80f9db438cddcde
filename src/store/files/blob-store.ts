/**
 * Where the bytes of `file` fields live (docs/files.md): content-addressed by their SHA-256, so
 * equal files are kept once and a name never reaches the storage. Two drivers: `fs` (a directory)
 * and `database` (the store's own tables, where the store has the `blobs` capability).
 * The write layer stages the bytes (hashing and checking them as they arrive), then commits them
 * under their hash; a sweep removes what no record references (write/files/file-garbage.ts).
 */
import type { Readable } from 'node:stream';

/** Bytes written under a temporary name, durable, not yet addressable. */
export interface StagedBlob {
  readonly key: string;
  readonly size: number;
}

export interface BlobStore {
  /** Writes `source` under a temporary name and makes it durable (fsync / commit). Throws what `source` throws. */
  stage(source: AsyncIterable<Uint8Array>): Promise<StagedBlob>;
  /** Makes a staged blob readable under its hash (replacing an equal one, freshly dated). */
  commit(staged: StagedBlob, sha256: string): Promise<void>;
  /** Removes a staged blob that will not be committed. */
  discard(staged: StagedBlob): Promise<void>;
  /** The size of a committed blob, or undefined when there is none. */
  size(sha256: string): Promise<number | undefined>;
  /** Bytes `start`..`end` (inclusive) of a committed blob. */
  read(sha256: string, start: number, end: number): Readable;
  /** Every committed blob's hash and when it was committed (ms). */
  list(): Promise<{ sha256: string; at: number }[]>;
  /** Removes a committed blob when it was committed before `before` (ms); true when removed. */
  remove(sha256: string, before: number): Promise<boolean>;
  /** Removes staged blobs left by processes that died (a kill mid-upload). */
  cleanStaging(): Promise<void>;
}

/** A staging name that says which process wrote it: `{host}.{pid}.{random}`. */
export const stagingName = (host: string, pid: number, random: string): string => `${host}.${pid}.${random}`;

/** Whether a staging name belongs to a process of this host that no longer runs. */
export function orphanedStaging(name: string, host: string): boolean {
  const parts = name.split('.');
  if (parts.length < 3) return true;
  const pid = Number(parts[parts.length - 2]);
  if (parts.slice(0, -2).join('.') !== host || !Number.isInteger(pid)) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
