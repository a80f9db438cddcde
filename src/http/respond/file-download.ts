/**
 * Sends a stored file: Content-Type (detected at upload), Content-Length, a strong ETag (the
 * content hash), Last-Modified, Content-Disposition (RFC 6266, `filename*`), Accept-Ranges;
 * If-None-Match → 304, one `Range` → 206, a range beyond the end → 416 (`Content-Range` names the size).
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { FileMeta } from '../../model/field-type.js';
import type { BlobStore } from '../../store/files/blob-store.js';
import { matchesStrong, notModified } from '../plan/conditions.js';

/** RFC 6266: an ASCII fallback `filename` and the exact name as `filename*` (RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** One `bytes=a-b` range within `size`: the span, `'unsatisfiable'`, or undefined to send it all. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // not one byte range: ignored (RFC 9110 §14.2)
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export interface Download {
  meta: FileMeta;
  /** The blob to send: the file's hash, or a thumbnail's key. */
  blob: string;
  size: number;
  type: string;
  etag: string;
  lastModified: string;
  updatedAt: unknown;
}

export function sendFile(req: FastifyRequest, reply: FastifyReply, blobs: BlobStore, d: Download) {
  const inline = d.type.startsWith('image/') && d.type !== 'image/svg+xml';
  reply.headers({
    etag: d.etag,
    'last-modified': d.lastModified,
    'accept-ranges': 'bytes',
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', d.meta.name),
    'x-content-type-options': 'nosniff',
  });
  if (notModified(req.headers, d.etag, d.updatedAt)) return reply.code(304).send();
  const ifRange = req.headers['if-range'];
  const range =
    ifRange === undefined || matchesStrong(String(ifRange), d.etag)
      ? parseRange(req.headers.range, d.size)
      : undefined;
  if (range === 'unsatisfiable')
    throw ApiError.of(
      'RANGE_NOT_SATISFIABLE',
      `Range ${req.headers.range} starts beyond the end of a ${d.size}-byte file`,
      {},
      { 'content-range': `bytes */${d.size}` },
    );
  const { start, end } = range ?? { start: 0, end: d.size - 1 };
  reply.type(d.type).header('content-length', String(end - start + 1));
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${d.size}`);
  if (d.size === 0) return reply.send();
  // HEAD: an empty stream keeps the Content-Length set above (Fastify's HEAD route drains streams).
  if (req.method === 'HEAD') return reply.send(Readable.from([]));
  return reply.send(blobs.read(d.blob, start, end));
}
