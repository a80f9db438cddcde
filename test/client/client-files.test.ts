/** The client's file calls (docs/files.md): upload a Blob, a ReadableStream, bytes or a Node path; download with thumb and range. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, VerboError } from '../../src/client/index.js';
import { useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-client-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let png: Buffer;
beforeAll(async () => {
  png = await sharp({ create: { width: 120, height: 80, channels: 3, background: 'teal' } })
    .png()
    .toBuffer();
});

describeEachStore('client: files', (target, getDb) => {
  const yaml = (files: string) =>
    `storage: { files: { dir: ${JSON.stringify(files)} } }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      avatar: { type: file, maxSize: 5MB, accept: [image/png], thumbs: [100x100] }
`;
  const server = useServer(getDb, { yaml: yaml(join(dir, target.name)) });

  it('uploads a Blob, a stream, bytes and a path; downloads whole, as a thumbnail and a range', async () => {
    const api = createClient({ baseUrl: server().url });
    const made = await api.customers.create({ name: 'Ada' });
    const id = made.id as number;
    const meta = await api.customers.upload(id, 'avatar', new Blob([new Uint8Array(png)]), {
      name: 'ada.png',
    });
    expect(meta).toMatchObject({ name: 'ada.png', size: png.length, type: 'image/png' });
    const stream = new Blob([new Uint8Array(png)]).stream();
    expect((await api.customers.upload(id, 'avatar', stream)).size).toBe(png.length);
    expect((await api.customers.upload(id, 'avatar', new Uint8Array(png))).sha256).toBe(meta.sha256);
    const path = join(dir, 'portrait.png');
    writeFileSync(path, png);
    expect((await api.customers.upload(id, 'avatar', path)).name).toBe('portrait.png');
    const whole = await api.customers.download(id, 'avatar');
    expect(Buffer.from(await whole.arrayBuffer()).equals(png)).toBe(true);
    const thumb = await api.customers.download(id, 'avatar', { thumb: '100x100' });
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({
      width: 100,
      height: 100,
    });
    const part = await api.customers.download(id, 'avatar', { range: { start: 1, end: 3 } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('PNG');
    const refused = await api.customers.upload(id, 'avatar', new Blob(['not an image'])).catch((e) => e);
    expect(refused).toBeInstanceOf(VerboError);
    expect(refused.status).toBe(415);
  });
});
