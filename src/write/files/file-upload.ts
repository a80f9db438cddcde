/**
 * Receives one file for a `file` field: the bytes are hashed, counted and sniffed as they arrive and
 * staged by the blob store; more than `maxSize` → 413 at once (the rest is not read), a detected
 * type the field does not accept → 415. The type is detected from the content (file-type), never
 * taken from the upload; the name is only a name (content-addressed storage).
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { ApiError } from '../../errors/api-error.js';
import type { FileMeta } from '../../model/field-type.js';
import type { FieldDef } from '../../model/model-types.js';
import type { BlobStore, StagedBlob } from '../../store/files/blob-store.js';

/** file-type reads at most this many bytes of a file to recognise it. */
const HEAD_BYTES = 4100;

const humanSize = (n: number): string =>
  n >= 1024 ** 2
    ? `${+(n / 1024 ** 2).toFixed(1)} MB`
    : n >= 1024
      ? `${+(n / 1024).toFixed(1)} KB`
      : `${n} bytes`;

/** Text without a signature: valid UTF-8 (a cut last character allowed) and no control bytes but whitespace. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  for (let cut = 0; cut < 4; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {}
  }
  return false;
}

/** The media type of a file from its first bytes. */
export async function detectType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  return looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
}

export interface ReceivedFile {
  meta: FileMeta;
  staged: StagedBlob;
}

/** Stages `source` for `field` (413 / 415 as it arrives); the caller commits or discards it. */
export async function receiveFile(
  blobs: BlobStore,
  field: FieldDef,
  source: AsyncIterable<Uint8Array>,
  name: string,
): Promise<ReceivedFile> {
  const file = field.type.file!;
  const maxSize = file.maxSize(field);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  let type: string | undefined;
  const check = async () => {
    type = await detectType(Buffer.concat(head));
    if (!file.accepts(field, type))
      throw ApiError.of(
        'UNSUPPORTED_MEDIA_TYPE',
        `${field.name} accepts ${[field.options.accept].flat().join(', ')}; the content is ${type}`,
        { pointer: `/${field.name}` },
      );
  };
  async function* checked() {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > maxSize)
        throw ApiError.of(
          'PAYLOAD_TOO_LARGE',
          `${field.name} is larger than its maxSize (${humanSize(maxSize)})`,
          { pointer: `/${field.name}` },
        );
      hash.update(chunk);
      if (type === undefined) {
        head.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        headSize += chunk.byteLength;
        if (headSize >= HEAD_BYTES) await check();
      }
      yield chunk;
    }
    if (type === undefined) await check();
  }
  const staged = await blobs.stage(checked());
  const meta: FileMeta = {
    name: (name || field.name).slice(0, 1024),
    size,
    type: type!,
    sha256: hash.digest('hex'),
  };
  return { meta, staged };
}
