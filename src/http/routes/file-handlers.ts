/**
 * GET/HEAD, PUT and DELETE on /{r}/{id}/{field} for each file field (docs/files.md). A file follows
 * its record's access rules: reading it is reading the record, changing it is updating the record.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import type { FileService } from '../../write/files/file-service.js';
import { checkThumbSize, thumbnail } from '../../write/files/thumbnails.js';
import { parseId } from '../../write/record-id.js';
import { authorize } from '../plan/access-policy.js';
import { checkWritePreconditions, lastModifiedOf } from '../plan/conditions.js';
import { itemId, notFound } from '../request/item-id.js';
import { sendFile } from '../respond/file-download.js';
import { toOutput } from '../respond/representation.js';
import type { AppContext } from './app-context.js';

type FileRequest = FastifyRequest<{ Params: { id: string } }>;

const noFile = (r: ResourceDef, id: unknown, f: FieldDef) =>
  ApiError.of('RECORD_NOT_FOUND', `${r.name}/${String(id)} has no ${f.name}`);

/** The name a raw upload gives in `Content-Disposition` (filename* first), else the field's. */
export function uploadName(header: string | undefined, fallback: string): string {
  if (header) {
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
    if (star)
      try {
        return decodeURIComponent(star[1].trim());
      } catch {}
    const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;\s]+)/i.exec(header);
    if (plain) return (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1');
  }
  return fallback;
}

/**
 * A refusal before the body was read to its end (413 at maxSize, 415 from the first bytes): the
 * connection closes once the answer is sent, so the rest of the upload is never read.
 */
export function unreadBody(req: FastifyRequest, reply: FastifyReply): void {
  if (!req.raw.complete) reply.header('connection', 'close');
}

/** The values of an update that changes one file field and keeps every other. */
function withFile(r: ResourceDef, current: Row, f: FieldDef, value: unknown): Row {
  const values: Row = {};
  for (const field of r.fields) values[field.name] = current[field.name] ?? null;
  values[f.name] = value;
  return values;
}

export function fileHandlers(ctx: AppContext, files: FileService, r: ResourceDef, f: FieldDef) {
  const file = f.type.file!;
  const idOf = (req: FileRequest, action: 'read' | 'update') => {
    if (parseId(r, req.params.id) === undefined) authorize(req, r, action);
    return itemId(r, req.params.id);
  };
  /** The record, once the caller may touch it, and whether they may see this field. */
  async function recordOf(req: FileRequest, action: 'read' | 'update') {
    const id = idOf(req, action);
    const row = await ctx.store.get(r, id);
    authorize(req, r, action, row);
    if (!row) throw notFound(r, id);
    if (!Object.hasOwn(toOutput(r, row, [f.name]), f.name)) throw noFile(r, id, f);
    return { id, row };
  }

  return {
    async get(req: FileRequest, reply: FastifyReply) {
      const { id, row } = await recordOf(req, 'read');
      const meta = file.metaOf(row[f.name]);
      const size = (req.query as { thumb?: unknown }).thumb;
      if (size !== undefined) checkThumbSize(f, String(size));
      if (!meta) throw noFile(r, id, f);
      if (size !== undefined) {
        const thumb = await thumbnail(files.blobs, f, meta, String(size));
        return sendFile(req, reply, files.blobs, {
          meta,
          blob: thumb.key,
          size: thumb.size,
          type: thumb.type,
          etag: `"${meta.sha256}-${String(size)}"`,
          lastModified: lastModifiedOf(row),
          updatedAt: row.updatedAt,
        });
      }
      return sendFile(req, reply, files.blobs, {
        meta,
        blob: meta.sha256,
        size: meta.size,
        type: meta.type,
        etag: `"${meta.sha256}"`,
        lastModified: lastModifiedOf(row),
        updatedAt: row.updatedAt,
      });
    },

    async put(req: FileRequest, reply: FastifyReply) {
      const { id, row } = await recordOf(req, 'update');
      checkWritePreconditions(r, req.headers, row);
      const received = await files
        .receive({
          field: f,
          source: (req.body as AsyncIterable<Uint8Array> | undefined) ?? req.raw,
          name: uploadName(req.headers['content-disposition'], f.name),
        })
        .catch((e) => {
          unreadBody(req, reply);
          throw e;
        });
      let previous: string | undefined;
      const result = await files.keep([received], ([meta]) =>
        ctx.store.modify(r, id, (current) => {
          authorize(req, r, 'update', current);
          checkWritePreconditions(r, req.headers, current);
          if (!current) throw notFound(r, id);
          previous = file.metaOf(current[f.name])?.sha256;
          return { kind: 'update', values: withFile(r, current, f, meta) };
        }),
      );
      if (result.kind !== 'updated') throw new Error('unexpected modify result');
      if (previous && previous !== received.meta.sha256) await files.sweep([previous]);
      reply.header('etag', `"${received.meta.sha256}"`);
      const body = toOutput(r, result.row, [f.name])[f.name];
      if (previous) return reply.code(200).send(body);
      return reply
        .code(201)
        .header('location', (body as { url: string }).url)
        .send(body);
    },

    async delete(req: FileRequest, reply: FastifyReply) {
      const { id } = await recordOf(req, 'update');
      let previous: string | undefined;
      await ctx.store.modify(r, id, (current) => {
        authorize(req, r, 'update', current);
        checkWritePreconditions(r, req.headers, current);
        if (!current) throw notFound(r, id);
        previous = file.metaOf(current[f.name])?.sha256;
        if (!previous) throw noFile(r, id, f);
        return { kind: 'update', values: withFile(r, current, f, null) };
      });
      if (previous) await files.sweep([previous]);
      return reply.code(204).send();
    },
  };
}
