/**
 * Thumbnails of image files (`?thumb=100x100` for a size the field declares in `thumbs`): made once
 * with sharp, then kept in the blob store under a key derived from the file's hash and the size, so
 * every instance finds them; swept with their file (file-garbage.ts asks `thumbKeys`).
 * `WxH` crops to cover both; a 0 keeps the aspect ratio (`400x0`: 400 wide).
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../errors/api-error.js';
import type { FileMeta } from '../../model/field-type.js';
import type { FieldDef } from '../../model/model-types.js';
import type { BlobStore } from '../../store/files/blob-store.js';

/** The blob key of a thumbnail: a SHA-256 like any file's, of the file's hash and the size. */
export const thumbKey = (sha256: string, size: string): string =>
  createHash('sha256').update(`thumb:${sha256}:${size}`).digest('hex');

/** The keys of every declared thumbnail of a stored file (made or not). */
export const thumbKeys = (field: FieldDef, sha256: string): string[] =>
  field.type.file!.thumbs(field).map((size) => thumbKey(sha256, size));

const FORMATS: Record<string, 'png' | 'jpeg' | 'webp' | 'avif' | 'gif'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
};

export interface Thumbnail {
  key: string;
  size: number;
  type: string;
}

/** 422 unless `size` is one of the field's declared thumbnail sizes. */
export function checkThumbSize(field: FieldDef, size: string): void {
  const declared = field.type.file!.thumbs(field);
  if (!declared.includes(size))
    throw ApiError.of(
      'VALIDATION_FAILED',
      declared.length
        ? `thumb ${JSON.stringify(size)} is not one of ${field.name}'s sizes: ${declared.join(', ')}`
        : `${field.name} declares no thumbnails (thumbs)`,
      { pointer: '/thumb', message: 'field.enum', vars: { field: 'thumb', values: declared.join(', ') } },
    );
}

async function* once(bytes: Buffer) {
  yield bytes;
}

/** The thumbnail of `meta` at `size`: the kept one, or made now and kept. */
export async function thumbnail(
  blobs: BlobStore,
  field: FieldDef,
  meta: FileMeta,
  size: string,
): Promise<Thumbnail> {
  checkThumbSize(field, size);
  const key = thumbKey(meta.sha256, size);
  const format = FORMATS[meta.type] ?? 'png';
  const type = `image/${format}`;
  const known = await blobs.size(key);
  if (known !== undefined) return { key, size: known, type };
  if (!meta.type.startsWith('image/'))
    throw ApiError.of('VALIDATION_FAILED', `${meta.type} has no thumbnails`, { pointer: '/thumb' });
  const [w, h] = size.split('x').map(Number);
  const { default: sharp } = await import('sharp');
  const resize = sharp({ limitInputPixels: 100_000_000 })
    .resize(w || null, h || null, { fit: w && h ? 'cover' : 'inside' })
    .toFormat(format);
  const source = blobs.read(meta.sha256, 0, meta.size - 1);
  source.pipe(resize);
  let bytes: Buffer;
  try {
    bytes = await resize.toBuffer();
  } catch (e) {
    source.destroy();
    throw ApiError.of('VALIDATION_FAILED', `no thumbnail of this ${meta.type}: ${(e as Error).message}`, {
      pointer: '/thumb',
    });
  }
  const staged = await blobs.stage(once(bytes));
  await blobs.commit(staged, key);
  return { key, size: bytes.length, type };
}
