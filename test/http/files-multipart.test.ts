/** multipart/form-data writes (docs/files.md): a record part plus one part per file field, atomic, on both stores. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-files-multipart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let png: Buffer;
const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
beforeAll(async () => {
  png = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'green' } })
    .png()
    .toBuffer();
});

const stored = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '.staging')
    .flatMap((d) => readdirSync(join(root, d.name)));

function form(record: unknown, files: Record<string, [Buffer, string]> = {}): FormData {
  const f = new FormData();
  if (record !== undefined)
    f.append('record', new Blob([JSON.stringify(record)], { type: 'application/json' }));
  for (const [name, [bytes, filename]] of Object.entries(files))
    f.append(name, new Blob([new Uint8Array(bytes)]), filename);
  return f;
}

describeEachStore('file fields: multipart writes', (target, getDb) => {
  const files = join(dir, target.name);
  const server = useServer(getDb, {
    yaml: `
storage: { files: { dir: ${JSON.stringify(files)} } }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      email: { type: email, unique: true }
      avatar: { type: file, maxSize: 64KB, accept: [image/png] }
      contract: { type: file, accept: [application/pdf] }
`,
  });
  const send = async (
    method: string,
    path: string,
    body: FormData | string,
    headers: Record<string, string> = {},
  ): Promise<Res> => {
    const res = await fetch(server().url + path, { method, body, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };

  it('POST with a record part and file parts creates the record with both files', async () => {
    const res = await send(
      'POST',
      '/customers',
      form({ name: 'Ada' }, { avatar: [png, 'me.png'], contract: [pdf, 'c.pdf'] }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json.avatar).toMatchObject({
      name: 'me.png',
      type: 'image/png',
      size: png.length,
      url: `/customers/${res.json.id}/avatar`,
    });
    expect(res.json.contract).toMatchObject({ name: 'c.pdf', type: 'application/pdf' });
    const got = await fetch(server().url + res.json.avatar.url);
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
  });

  it('PATCH and PUT as multipart replace a file (the old one goes) and keep or change the fields', async () => {
    const mine = Buffer.from('%PDF-1.4\n% Bob only\n%%EOF\n');
    const made = await send('POST', '/customers', form({ name: 'Bob' }, { contract: [mine, 'one.pdf'] }));
    const id = made.json.id;
    const other = Buffer.from('%PDF-1.7\n% another\n%%EOF\n');
    const patched = await send(
      'PATCH',
      `/customers/${id}`,
      form(undefined, { contract: [other, 'two.pdf'] }),
    );
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ name: 'Bob', contract: { name: 'two.pdf', size: other.length } });
    expect(stored(files)).not.toContain(made.json.contract.sha256);
    const put = await send('PUT', `/customers/${id}`, form({ name: 'Robert' }, { avatar: [png, 'b.png'] }));
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({
      name: 'Robert',
      avatar: { name: 'b.png' },
      contract: { name: 'two.pdf' },
    });
  });

  it('a record that fails leaves no file; a file that fails leaves the record unchanged', async () => {
    const before = stored(files).length;
    const unique = Buffer.concat([png, Buffer.from('unique tail')]);
    const invalid = await send(
      'POST',
      '/customers',
      form({ email: 'not an email' }, { avatar: [unique, 'x.png'] }),
    );
    expectEnvelope(invalid, 422, 'VALIDATION_FAILED');
    expect(stored(files).length).toBe(before);
    const made = await send('POST', '/customers', form({ name: 'Cy' }));
    const id = made.json.id;
    const tooBig = await send(
      'PATCH',
      `/customers/${id}`,
      form({ name: 'Changed' }, { avatar: [Buffer.concat([png, Buffer.alloc(70_000)]), 'big.png'] }),
    );
    expectEnvelope(tooBig, 413, 'PAYLOAD_TOO_LARGE');
    const wrongType = await send(
      'PATCH',
      `/customers/${id}`,
      form({ name: 'Changed' }, { avatar: [pdf, 'fake.png'] }),
    );
    expectEnvelope(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const after = await server().request('GET', `/customers/${id}`);
    expect(after.json).toEqual(made.json);
    expect(stored(files).length).toBe(before);
  });

  it('an unknown or repeated part → 422; malformed multipart or a missing boundary → 400; bad record JSON → 400', async () => {
    const unknown = new FormData();
    unknown.append('record', JSON.stringify({ name: 'D' }));
    unknown.append('name', new Blob([new Uint8Array(png)]), 'x.png');
    const u = await send('POST', '/customers', unknown);
    expectEnvelope(u, 422, 'VALIDATION_FAILED');
    expect(u.json[0].pointer).toBe('/name');
    const twice = form({ name: 'E' }, { avatar: [png, 'a.png'] });
    twice.append('avatar', new Blob([new Uint8Array(png)]), 'b.png');
    expectEnvelope(await send('POST', '/customers', twice), 422, 'VALIDATION_FAILED');
    expectEnvelope(
      await send('POST', '/customers', '--x\r\nContent-Disposition: form-data; name="record"\r\n\r\n{}', {
        'content-type': 'multipart/form-data',
      }),
      400,
    );
    expectEnvelope(
      await send(
        'POST',
        '/customers',
        '--b\r\nContent-Disposition: form-data; name="record"\r\n\r\n{"name":"F"}\r\n--b\r\nContent-Disp',
        {
          'content-type': 'multipart/form-data; boundary=b',
        },
      ),
      400,
    );
    const bad = new FormData();
    bad.append('record', new Blob(['{"name":'], { type: 'application/json' }));
    expectEnvelope(await send('POST', '/customers', bad), 400, 'MALFORMED_JSON');
  });
});
