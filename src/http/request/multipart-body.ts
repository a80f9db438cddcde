/**
 * `multipart/form-data` writes of resources with file fields (docs/files.md): one part `record`
 * holding the JSON fields, one part per file field named after it. The files are staged as they
 * arrive (413 / 415 at once); the record becomes the request's body; the write then keeps the files
 * (file-service.ts: committed, the record written, dropped again when the write fails).
 */
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import type { FileService } from '../../write/files/file-service.js';
import type { ReceivedFile } from '../../write/files/file-upload.js';
import { malformedJson } from '../json-syntax-error.js';
import { fileFields } from '../respond/representation.js';
import { unreadBody } from '../routes/file-handlers.js';
import { mediaTypeOf } from './body-media-type.js';

export const MULTIPART = 'multipart/form-data';

/** The file fields' part of a write: their new values, and the stored ones they replace. */
export interface Uploads {
  /** Runs the write with the uploaded files' values (a file field → its metadata); the files go when it fails. */
  write<T>(fn: (files: Row) => Promise<T>): Promise<T>;
  /** The record as it was before the write (its replaced files are swept once the write is done). */
  replacing(current: Row | undefined): void;
}

const NONE: Uploads = { write: (fn) => fn({}), replacing: () => {} };

const badPart = (name: string, why: string) =>
  ApiError.of('VALIDATION_FAILED', `part ${JSON.stringify(name)}: ${why}`, {
    pointer: `/${name}`,
    message: 'field.unknown',
    vars: { field: name },
  });

/** What busboy and @fastify/multipart refuse: a malformed body is a 400, too many parts a 422. */
function refusal(e: unknown): unknown {
  if (e instanceof ApiError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (/^FST_(PARTS|FILES|FIELDS)_LIMIT$/.test(code))
    return ApiError.of('VALIDATION_FAILED', 'more parts than the record and its file fields', {
      message: 'field.unknown',
      vars: { field: '(part)' },
    });
  if (code === 'FST_INVALID_JSON_FIELD_ERROR')
    return ApiError.of('MALFORMED_JSON', 'the record part is not valid JSON');
  return ApiError.of('BAD_REQUEST', `malformed multipart/form-data body: ${(e as Error).message}`);
}

/**
 * Whether the body ended with its closing delimiter (`--boundary--`): @fastify/multipart treats a
 * body cut short as a normal end, which would take a truncated upload for a whole one.
 */
function watchClosingDelimiter(req: FastifyRequest): () => boolean {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
  if (!m) return () => false;
  const closing = Buffer.from(`--${m[1] ?? m[2]}--`);
  let tail = Buffer.alloc(0);
  const keep = closing.length + 1024;
  req.raw.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk.length > keep ? chunk.subarray(chunk.length - keep) : chunk]);
    if (tail.length > keep) tail = tail.subarray(tail.length - keep);
  });
  return () => tail.includes(closing);
}

function recordOf(part: MultipartValue): unknown {
  if (typeof part.value !== 'string') return part.value; // parsed already (application/json part)
  try {
    return JSON.parse(part.value);
  } catch {
    throw malformedJson(part.value);
  }
}

/** The media types a write body of `r` may have: `json` plus multipart where `r` has file fields. */
export const writeTypes = (r: ResourceDef, json: string[]): string[] =>
  fileFields(r).length ? [...json, MULTIPART] : json;

/** A multipart body this route reads itself (its record part is the body): `requireBody` does not apply. */
export const isUpload = (files: FileService | undefined, req: FastifyRequest): boolean =>
  files !== undefined && mediaTypeOf(req) === MULTIPART;

/** Reads a multipart body (a JSON body is left as it is): sets `req.body` to the record part. */
export async function readUploads(
  files: FileService | undefined,
  req: FastifyRequest,
  reply: FastifyReply,
  r: ResourceDef,
): Promise<Uploads> {
  if (!files || !isUpload(files, req)) return NONE;
  const received: { field: FieldDef; file: ReceivedFile }[] = [];
  let record: unknown;
  const closed = watchClosingDelimiter(req);
  try {
    for await (const part of req.parts()) {
      const name = part.fieldname;
      if (name === 'record') {
        if (record !== undefined) throw badPart(name, 'sent twice');
        record =
          part.type === 'field'
            ? recordOf(part)
            : recordOf({
                ...part,
                value: (await (part as MultipartFile).toBuffer()).toString('utf8'),
              } as unknown as MultipartValue);
        continue;
      }
      const field = fileFields(r).find((f) => f.name === name);
      if (!field)
        throw badPart(
          name,
          `${r.name} has no file field of that name (the JSON fields go in the part "record")`,
        );
      if (part.type !== 'file') throw badPart(name, 'a file field takes a file part (with a filename)');
      if (received.some((u) => u.field === field)) throw badPart(name, 'sent twice');
      const file = await files.receive({ field, source: part.file, name: part.filename });
      received.push({ field, file });
    }
    if (!closed())
      throw ApiError.of('BAD_REQUEST', 'the multipart/form-data body ends before its closing boundary');
  } catch (e) {
    await files.discard(received.map((u) => u.file));
    unreadBody(req, reply);
    throw refusal(e);
  }
  req.body = record ?? {};
  const replaced = new Set<string>();
  return {
    async write(fn) {
      const kept = received.map((u) => u.file);
      const out = await files.keep(kept, (metas) =>
        fn(Object.fromEntries(received.map((u, i) => [u.field.name, metas[i]]))),
      );
      for (const u of received) replaced.delete(u.file.meta.sha256);
      if (replaced.size) await files.sweep(replaced);
      return out;
    },
    replacing(current) {
      for (const u of received) {
        const old = u.field.type.file!.metaOf(current?.[u.field.name]);
        if (old) replaced.add(old.sha256);
      }
    },
  };
}
