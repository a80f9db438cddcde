/**
 * What the routes use for files: the blob store the config names, uploads that are atomic with
 * their record (a record write that fails leaves no file; a file that fails leaves the record
 * unchanged) and the sweep of files no record references (file-garbage.ts).
 */
import { resolve } from 'node:path';
import type { FileMeta } from '../../model/field-type.js';
import type { FieldDef, Model } from '../../model/model-types.js';
import type { BlobStore } from '../../store/files/blob-store.js';
import { FsBlobStore } from '../../store/files/fs-blob-store.js';
import type { Store } from '../../store/store.js';
import { FileGarbage } from './file-garbage.js';
import { type ReceivedFile, receiveFile } from './file-upload.js';

export interface FileSource {
  field: FieldDef;
  source: AsyncIterable<Uint8Array>;
  name: string;
}

/** The blob store of `storage.files`: a directory, or the store itself where it has the capability. */
export function openBlobStore(model: Model, store: Store): BlobStore {
  if (model.files.driver === 'fs') return new FsBlobStore(resolve(model.files.dir));
  if (!store.blobs) throw new Error('storage.files.driver database: this store cannot keep files');
  return store.blobs;
}

export class FileService {
  readonly garbage: FileGarbage;

  constructor(
    model: Model,
    store: Store,
    readonly blobs: BlobStore,
  ) {
    this.garbage = new FileGarbage(model, store, blobs);
  }

  /** Stages one file (413 / 415 as it arrives); nothing is kept until `keep` commits it. */
  receive(file: FileSource): Promise<ReceivedFile> {
    return receiveFile(this.blobs, file.field, file.source, file.name);
  }

  /**
   * Commits the received files, runs `write` (the record's write, which stores their metadata) and
   * releases them; when `write` fails, the files go again. Hashes `replaced` are swept once written.
   */
  async keep<T>(files: ReceivedFile[], write: (metas: FileMeta[]) => Promise<T>): Promise<T> {
    const releases: (() => Promise<void>)[] = [];
    const hashes = files.map((f) => f.meta.sha256);
    try {
      for (const f of files) {
        releases.push(await this.garbage.claim(f.meta.sha256));
        await this.blobs.commit(f.staged, f.meta.sha256);
      }
    } catch (e) {
      await this.drop(files, releases, hashes);
      throw e;
    }
    let result: T;
    try {
      result = await write(files.map((f) => f.meta));
    } catch (e) {
      await this.drop(files, releases, hashes);
      throw e;
    }
    for (const release of releases) await release();
    return result;
  }

  /** Discards staged files that will not be kept. */
  async discard(files: ReceivedFile[]): Promise<void> {
    for (const f of files) await this.blobs.discard(f.staged);
  }

  private async drop(files: ReceivedFile[], releases: (() => Promise<void>)[], hashes: string[]) {
    await this.discard(files);
    for (const release of releases) await release();
    await this.garbage.sweep(hashes);
  }

  /** Removes the files of `hashes` no record references any more. */
  sweep(hashes?: Iterable<string>): Promise<number> {
    return this.garbage.sweep(hashes);
  }
}
