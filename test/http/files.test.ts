/** File fields (docs/files.md): metadata in records, PUT/DELETE/GET of the bytes, ranges, limits, sweeps; on every store. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (driver: string, files: string) => `
storage: { files: { driver: ${driver}, dir: ${JSON.stringify(files)} } }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      avatar: { type: file, maxSize: 64KB, accept: [image/png, image/jpeg], thumbs: [4x4, 6x0] }
      contract: { type: file, maxSize: 1MB, accept: [application/pdf] }
`;

let png: Buffer;
let png2: Buffer;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
    .png()
    .toBuffer();
  png2 = await sharp({ create: { width: 9, height: 9, channels: 3, background: 'blue' } })
    .png()
    .toBuffer();
});

/** Every file the fs driver keeps (not its staging). */
const storedFiles = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '.staging')
    .flatMap((d) => readdirSync(join(root, d.name)));

for (const driver of ['fs', 'database'] as const)
  describeEachStore(`file fields (driver ${driver})`, (target, getDb) => {
    const files = join(dir, `${target.name}-${driver}`);
    const server = useServer(getDb, { yaml: yaml(driver, files) });
    /** How many files the driver keeps; with fs, none left in staging. */
    const stored = async (): Promise<number> => {
      if (driver === 'database') return (await server().store.blobs!.list()).length;
      expect(readdirSync(join(files, '.staging'))).toEqual([]);
      return storedFiles(files).length;
    };
    const put = (path: string, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(server().url + path, {
        method: 'PUT',
        body: new Uint8Array(body),
        headers: { 'content-type': 'application/octet-stream', ...headers },
      });
    const create = async (name: string) =>
      (await server().request('POST', '/customers', { body: { name } })).json as { id: number };

    it('a record shows null, then the metadata with its url; PUT answers 201 then 200; the bytes come back', async () => {
      const { id } = await create('Ada');
      expect((await server().request('GET', `/customers/${id}`)).json.avatar).toBeNull();
      const first = await put(`/customers/${id}/avatar`, png, {
        'content-type': 'image/jpeg',
        'content-disposition': `attachment; filename*=UTF-8''%C3%A9t%C3%A9.png`,
      });
      expect(first.status).toBe(201);
      const meta = await first.json();
      expect(meta).toMatchObject({ name: 'été.png', size: png.length, type: 'image/png' });
      expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(meta.url).toBe(`/customers/${id}/avatar`);
      expect(first.headers.get('location')).toBe(meta.url);
      const record = (await server().request('GET', `/customers/${id}`)).json;
      expect(record.avatar).toEqual(meta);
      const listed = (await server().request('GET', `/customers?id=${id}`)).json;
      expect(listed[0].avatar).toEqual(meta);
      const some = (await server().request('GET', `/customers?id=${id}&fields=id,avatar`)).json;
      expect(some[0].avatar).toEqual(meta);
      const again = await put(`/customers/${id}/avatar`, png2);
      expect(again.status).toBe(200);
      const got = await fetch(server().url + `/customers/${id}/avatar`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('content-length')).toBe(String(png2.length));
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('accept-ranges')).toBe('bytes');
      expect(got.headers.get('last-modified')).toBeTruthy();
      expect(got.headers.get('content-disposition')).toMatch(
        /^inline; filename="avatar"; filename\*=UTF-8''avatar$/,
      );
      expect(Buffer.from(await got.arrayBuffer()).equals(png2)).toBe(true);
      const etag = got.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const head = await fetch(server().url + `/customers/${id}/avatar`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(png2.length));
      const cached = await fetch(server().url + `/customers/${id}/avatar`, {
        headers: { 'if-none-match': etag },
      });
      expect(cached.status).toBe(304);
    });

    it('Range → 206 with Content-Range; beyond the end → 416 with bytes */N; non-images are attachments', async () => {
      const { id } = await create('Grace');
      expect(
        (
          await put(`/customers/${id}/contract`, pdf, {
            'content-disposition': 'attachment; filename="../../etc/passwd"',
          })
        ).status,
      ).toBe(201);
      const part = await fetch(server().url + `/customers/${id}/contract`, {
        headers: { range: 'bytes=1-3' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 1-3/${pdf.length}`);
      expect(await part.text()).toBe('PDF');
      const suffix = await fetch(server().url + `/customers/${id}/contract`, {
        headers: { range: 'bytes=-6' },
      });
      expect(await suffix.text()).toBe('%%EOF\n');
      const beyond = await fetch(server().url + `/customers/${id}/contract`, {
        headers: { range: `bytes=${pdf.length}-` },
      });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${pdf.length}`);
      expect((await beyond.json())[0].code).toBe('RANGE_NOT_SATISFIABLE');
      const whole = await fetch(server().url + `/customers/${id}/contract`);
      expect(whole.headers.get('content-type')).toBe('application/pdf');
      expect(whole.headers.get('content-disposition')).toMatch(
        /^attachment; filename="\.\.\/\.\.\/etc\/passwd"/,
      );
    });

    it('too large → 413, a type not accepted (a PNG sent as a PDF) → 415, metadata in a JSON body → 422; nothing kept', async () => {
      const { id } = await create('Linus');
      const before = await stored();
      const big = await put(`/customers/${id}/avatar`, Buffer.concat([png, Buffer.alloc(70 * 1024)]));
      expect(big.status).toBe(413);
      expect((await big.json())[0].code).toBe('PAYLOAD_TOO_LARGE');
      const wrong = await put(`/customers/${id}/contract`, png, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="x.pdf"',
      });
      expect(wrong.status).toBe(415);
      expect((await wrong.json())[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await stored()).toBe(before);
      const rec = (await server().request('GET', `/customers/${id}`)).json;
      expect(rec.avatar).toBeNull();
      expectEnvelope(
        await server().request('PATCH', `/customers/${id}`, {
          headers: { 'content-type': 'application/merge-patch+json' },
          body: { avatar: { name: 'x', size: 1, type: 'image/png', sha256: 'a'.repeat(64), url: '/x' } },
        }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('equal files are kept once; a file no record references goes; DELETE → 204, then 404', async () => {
      const a = await create('A');
      const b = await create('B');
      const before = await stored();
      await put(`/customers/${a.id}/avatar`, png);
      await put(`/customers/${b.id}/avatar`, png);
      expect(await stored()).toBe(before + 1);
      // A round trip of the record keeps its file.
      const rec = (await server().request('GET', `/customers/${a.id}`)).json;
      const { id: _i, createdAt: _c, updatedAt: _u, ...body } = rec;
      expect((await server().request('PUT', `/customers/${a.id}`, { body })).status).toBe(200);
      expect((await server().request('GET', `/customers/${a.id}`)).json.avatar).toEqual(rec.avatar);
      expect((await fetch(server().url + `/customers/${a.id}/avatar`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect(await stored()).toBe(before + 1);
      expect((await server().request('DELETE', `/customers/${b.id}/avatar`)).status).toBe(204);
      expect(await stored()).toBe(before);
      expectEnvelope(await server().request('GET', `/customers/${b.id}/avatar`), 404, 'RECORD_NOT_FOUND');
      expectEnvelope(await server().request('GET', `/customers/999999/avatar`), 404, 'RECORD_NOT_FOUND');
    });

    it('a slow upload of 1 GB is refused with 413 as soon as it passes maxSize, not read to the end', async () => {
      const { id } = await create('Slow');
      const url = new URL(`/customers/${id}/avatar`, server().url);
      let sent = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, {
          method: 'PUT',
          headers: { 'content-type': 'image/png', 'content-length': String(1024 ** 3) },
        });
        req.on('response', (res) => {
          clearInterval(timer);
          res.resume();
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
        const chunk = Buffer.concat([png, Buffer.alloc(16 * 1024 - png.length)]);
        const timer = setInterval(() => {
          if (sent >= 1024 ** 3) return clearInterval(timer);
          req.write(sent === 0 ? chunk : Buffer.alloc(16 * 1024));
          sent += 16 * 1024;
        }, 5);
      });
      expect(status).toBe(413);
      // maxSize is 64 KB: the answer came after a few chunks, far from the gigabyte.
      expect(sent).toBeLessThan(2 * 1024 ** 2);
      expect((await server().request('GET', `/customers/${id}`)).json.avatar).toBeNull();
    });

    it('?thumb= a declared size → the resized image, made once and kept; any other size → 422; swept with the file', async () => {
      const { id } = await create('Thumbs');
      const unique = await sharp({ create: { width: 12, height: 8, channels: 3, background: 'yellow' } })
        .png()
        .toBuffer();
      await put(`/customers/${id}/avatar`, unique);
      const before = await stored();
      const square = await fetch(`${server().url}/customers/${id}/avatar?thumb=4x4`);
      expect(square.status).toBe(200);
      expect(square.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await square.arrayBuffer());
      expect(await sharp(bytes).metadata()).toMatchObject({ width: 4, height: 4 });
      expect(square.headers.get('etag')).toMatch(/^"[0-9a-f]{64}-4x4"$/);
      expect(await stored()).toBe(before + 1);
      const again = await fetch(`${server().url}/customers/${id}/avatar?thumb=4x4`);
      expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
      expect(await stored()).toBe(before + 1);
      const wide = await fetch(`${server().url}/customers/${id}/avatar?thumb=6x0`);
      expect(await sharp(Buffer.from(await wide.arrayBuffer())).metadata()).toMatchObject({
        width: 6,
        height: 4,
      });
      expectEnvelope(
        await server().request('GET', `/customers/${id}/avatar?thumb=5x5`),
        422,
        'VALIDATION_FAILED',
      );
      expectEnvelope(
        await server().request('GET', `/customers/${id}/contract?thumb=4x4`),
        422,
        'VALIDATION_FAILED',
      );
      expect((await server().request('DELETE', `/customers/${id}/avatar`)).status).toBe(204);
      expect(await stored()).toBe(before - 1);
    });
  });
