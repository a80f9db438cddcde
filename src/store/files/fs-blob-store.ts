/**
 * The `fs` driver: `{dir}/ab/abcdef…` by hash. A file is written to `{dir}/.staging/`, fsynced,
 * dated, renamed into place (atomic; an equal file is replaced by an equal one) and its directory
 * fsynced, so a reader never sees half a file and a crash leaves at most a staging file to clean.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, orphanedStaging, type StagedBlob, stagingName } from './blob-store.js';

const HASH = /^[0-9a-f]{64}$/;

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FsBlobStore implements BlobStore {
  private readonly staging: string;
  private readonly host = hostname().replaceAll('.', '-');

  constructor(private readonly dir: string) {
    this.staging = join(dir, '.staging');
  }

  private pathOf(sha256: string): string {
    if (!HASH.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async stage(source: AsyncIterable<Uint8Array>): Promise<StagedBlob> {
    await mkdir(this.staging, { recursive: true });
    const key = join(this.staging, stagingName(this.host, process.pid, randomBytes(8).toString('hex')));
    let size = 0;
    const counted = async function* () {
      for await (const chunk of source) {
        size += chunk.byteLength;
        yield chunk;
      }
    };
    try {
      await pipeline(counted, createWriteStream(key, { flags: 'wx' }));
      await fsyncPath(key);
    } catch (e) {
      await unlink(key).catch(() => {});
      throw e;
    }
    return { key, size };
  }

  async commit(staged: StagedBlob, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    const folder = join(this.dir, sha256.slice(0, 2));
    await mkdir(folder, { recursive: true });
    // Dated now: a sweep that began earlier leaves it alone (file-garbage.ts).
    const handle = await open(staged.key, 'r+');
    try {
      const now = new Date();
      await handle.utimes(now, now);
    } finally {
      await handle.close();
    }
    await rename(staged.key, target);
    await fsyncPath(folder);
  }

  async discard(staged: StagedBlob): Promise<void> {
    await unlink(staged.key).catch(() => {});
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  read(sha256: string, start: number, end: number): Readable {
    return createReadStream(this.pathOf(sha256), { start, end });
  }

  async list(): Promise<{ sha256: string; at: number }[]> {
    const out: { sha256: string; at: number }[] = [];
    const folders = await readdir(this.dir).catch(() => [] as string[]);
    for (const folder of folders) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of await readdir(join(this.dir, folder)).catch(() => [] as string[])) {
        if (!HASH.test(name)) continue;
        const info = await stat(join(this.dir, folder, name)).catch(() => undefined);
        if (info) out.push({ sha256: name, at: info.mtimeMs });
      }
    }
    return out;
  }

  async remove(sha256: string, before: number): Promise<boolean> {
    const path = this.pathOf(sha256);
    // Moved aside first (atomic), then checked: a commit that landed meanwhile is put back.
    const aside = join(this.staging, `${sha256}.removing.${randomBytes(4).toString('hex')}`);
    await mkdir(this.staging, { recursive: true });
    try {
      await rename(path, aside);
    } catch {
      return false;
    }
    const info = await stat(aside);
    if (info.mtimeMs >= before) {
      await rename(aside, path);
      return false;
    }
    await unlink(aside);
    return true;
  }

  async cleanStaging(): Promise<void> {
    for (const name of await readdir(this.staging).catch(() => [] as string[]))
      if (name.includes('.removing.') || orphanedStaging(name, this.host))
        await unlink(join(this.staging, name)).catch(() => {});
  }
}
