/**
 * Claims and the sweep: a file no record references any more is removed, and one being written is
 * not. An upload claims its hash (shared `kv`, with the claiming process) before committing it and
 * releases the claim once the record is written. A sweep lists the blobs committed before it began,
 * drops the claimed ones, then reads which hashes records hold, and removes the rest — each only if
 * it was still committed before the sweep began (a commit meanwhile re-dates it). Claims of a
 * process that died (a kill between file and record) are ignored, so a restart's sweep removes the
 * orphan. A file's thumbnails (thumbnails.ts) are held while the file is.
 */
import { hostname } from 'node:os';
import type { Model } from '../../model/model-types.js';
import type { BlobStore } from '../../store/files/blob-store.js';
import { orphanedStaging, stagingName } from '../../store/files/blob-store.js';
import type { Store } from '../../store/store.js';
import { thumbKeys } from './thumbnails.js';

const CLAIMS = 'file-claims';
const CLAIM_TTL_MS = 60 * 60 * 1000;
const PAGE = 1000;

export class FileGarbage {
  private readonly host = hostname().replaceAll('.', '-');
  private readonly owner = stagingName(this.host, process.pid, 'claim');

  constructor(
    private readonly model: Model,
    private readonly store: Store,
    private readonly blobs: BlobStore,
  ) {}

  /** Holds `sha256` against sweeps until the returned release is called. */
  async claim(sha256: string): Promise<() => Promise<void>> {
    await this.store.kv.set(CLAIMS, sha256, this.owner, CLAIM_TTL_MS);
    return () => this.store.kv.delete(CLAIMS, sha256);
  }

  private async claimed(sha256: string): Promise<boolean> {
    const owner = await this.store.kv.get(CLAIMS, sha256);
    return typeof owner === 'string' && !orphanedStaging(owner, this.host);
  }

  /** Every hash a record's file field holds. */
  private async referenced(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const r of this.model.resources) {
      const fields = r.fields.filter((f) => f.type.file);
      if (!fields.length) continue;
      for (let offset = 0; ; offset += PAGE) {
        const rows = await this.store.list(r, {
          where: [],
          sort: [{ field: 'id', desc: false }],
          limit: PAGE,
          offset,
        });
        for (const row of rows)
          for (const f of fields) {
            const meta = f.type.file!.metaOf(row[f.name]);
            if (!meta) continue;
            out.add(meta.sha256);
            for (const key of thumbKeys(f, meta.sha256)) out.add(key);
          }
        if (rows.length < PAGE) break;
      }
    }
    return out;
  }

  /** The hashes and the keys of their thumbnails, of whichever file field they belong to. */
  private withThumbs(hashes: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const sha256 of hashes) {
      out.add(sha256);
      for (const r of this.model.resources)
        for (const f of r.fields) if (f.type.file) for (const key of thumbKeys(f, sha256)) out.add(key);
    }
    return out;
  }

  /** Removes unreferenced blobs (only `candidates` when given); returns how many went. */
  async sweep(candidates?: Iterable<string>): Promise<number> {
    const began = Date.now();
    const only = candidates ? this.withThumbs(candidates) : undefined;
    if (only?.size === 0) return 0;
    const listed = (await this.blobs.list()).filter((b) => b.at < began && (!only || only.has(b.sha256)));
    const unclaimed: string[] = [];
    for (const b of listed) if (!(await this.claimed(b.sha256))) unclaimed.push(b.sha256);
    if (!unclaimed.length) return 0;
    const held = await this.referenced();
    let removed = 0;
    for (const sha256 of unclaimed)
      if (!held.has(sha256) && (await this.blobs.remove(sha256, began))) removed++;
    return removed;
  }
}
