/**
 * The hand-written file baseline for W7: what a good engineer writes with Fastify and
 * @fastify/multipart — a multipart upload streamed to disk with its SHA-256 (temp file, fsync,
 * rename under the hash), and a download streamed from disk with Content-Length, a strong ETag and
 * Content-Type. No framework of ours, no database.
 *
 *   node bench/baselines/fastify-files.mjs --dir DIR --port N
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';

const { values: a } = parseArgs({ options: { dir: { type: 'string' }, port: { type: 'string' } } });
const dir = a.dir;
mkdirSync(join(dir, 'tmp'), { recursive: true });
const app = Fastify({ logger: false });
await app.register(multipart, { limits: { fileSize: 1024 ** 3, parts: 4 } });

app.get('/', async () => ({ ok: true }));

app.post('/files', async (req, reply) => {
  let saved;
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    const hash = createHash('sha256');
    let size = 0;
    const tmp = join(dir, 'tmp', randomBytes(8).toString('hex'));
    const count = new Transform({
      transform(chunk, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(part.file, count, createWriteStream(tmp));
    const handle = await open(tmp, 'r');
    await handle.sync();
    await handle.close();
    const sha256 = hash.digest('hex');
    await rename(tmp, join(dir, sha256));
    saved = { name: part.filename, size, type: part.mimetype, sha256 };
  }
  return reply.code(201).send(saved);
});

app.get('/files/:sha', async (req, reply) => {
  const path = join(dir, req.params.sha.replace(/[^0-9a-f]/g, ''));
  const info = await stat(path).catch(() => undefined);
  if (!info) return reply.code(404).send({ error: 'not found' });
  reply.headers({
    'content-type': 'application/octet-stream',
    'content-length': String(info.size),
    etag: `"${req.params.sha}"`,
  });
  return reply.send(createReadStream(path));
});

await app.listen({ port: Number(a.port), host: '127.0.0.1' });
