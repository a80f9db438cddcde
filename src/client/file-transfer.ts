/**
 * Files of a record (docs/files.md): `upload` sends a Blob, a ReadableStream, bytes, or (in Node)
 * the path of a file, streamed from disk; `download` answers the Response, whose body is read as it
 * arrives (`?thumb=`, `Range` and `If-None-Match` as options).
 */
import type { HttpTransport } from './http-transport.js';

/** What `upload` sends: a Blob (or File), a ReadableStream, bytes, or a file's path in Node. */
export type FileData = Blob | ReadableStream<Uint8Array> | ArrayBuffer | Uint8Array | string;

export interface UploadOptions {
  /** The file's name (Content-Disposition); a File's or the path's own name by default. */
  name?: string;
  /** Sent as Content-Type; the server detects the type from the content whatever this says. */
  type?: string;
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  /** A thumbnail size the field declares, e.g. `100x100`. */
  thumb?: string;
  /** A byte range: `{ start, end }` (end inclusive) → 206. */
  range?: { start: number; end?: number };
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/**
 * A path in Node becomes a Blob read from disk as it is sent (fs.openAsBlob). Node's built-in
 * module is reached through `process.getBuiltinModule` (Node 20.16+), so no import ties the client
 * to Node: in a browser a string is refused.
 */
type NodeGlobal = { process?: { getBuiltinModule?: (id: string) => unknown } };
type NodeFs = { openAsBlob?: (path: string) => Promise<Blob> };

async function bodyOf(data: FileData): Promise<{ body: BodyInit; name?: string }> {
  if (typeof data !== 'string') return { body: data as BodyInit, name: (data as { name?: string }).name };
  const fs = (globalThis as NodeGlobal).process?.getBuiltinModule?.('fs') as NodeFs | undefined;
  if (!fs?.openAsBlob) throw new TypeError('upload(path) needs Node 20.16 or later; pass a Blob or a stream');
  return { body: await fs.openAsBlob(data), name: baseName(data) };
}

export function fileTransfer(transport: HttpTransport, itemPath: (id: unknown) => string) {
  return {
    /** PUT /{r}/{id}/{field}: the file's metadata as stored. */
    async upload(id: unknown, field: string, data: FileData, options: UploadOptions = {}): Promise<unknown> {
      const { body, name } = await bodyOf(data);
      const filename = options.name ?? name;
      const headers: Record<string, string> = {};
      if (filename)
        headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
      if (options.ifMatch) headers['if-match'] = options.ifMatch;
      const res = await transport.raw({
        method: 'PUT',
        path: `${itemPath(id)}/${field}`,
        body,
        contentType: options.type ?? 'application/octet-stream',
        headers,
        accept: 'application/json',
        signal: options.signal,
      });
      return res.json();
    },

    /** GET /{r}/{id}/{field}: the Response (200, 206, or 304), its body unread. */
    download(id: unknown, field: string, options: DownloadOptions = {}): Promise<Response> {
      const headers: Record<string, string> = {};
      if (options.range) headers.range = `bytes=${options.range.start}-${options.range.end ?? ''}`;
      if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
      return transport.raw({
        method: 'GET',
        path: `${itemPath(id)}/${field}`,
        query: options.thumb ? `thumb=${encodeURIComponent(options.thumb)}` : undefined,
        headers,
        signal: options.signal,
      });
    },
  };
}
