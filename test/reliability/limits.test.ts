/**
 * Request limits (docs/limits.md): body size → 413, header size → 431, URL length →
 * 414, JSON nesting depth and array length → 422, numbers past a double and unpaired surrogates →
 * 422 — each with the error envelope (docs/errors.md), at the default and at configured values. Also the framing
 * errors found by fuzzing: bad percent-encoding, a missing Host, CONNECT, HEAD on a 431.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { rawExchange, send } from '../support/raw-http.js';
import { describeEachStore } from '../support/store-targets.js';

/** `depth` nested arrays. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const post = (url: string, body: string, path = '/customers') =>
  send(url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body),
  });
const withTags = (tags: string, n = 'l') => `{"name":"L","email":"${n}@example.com","tags":${tags}}`;

describeEachStore('request limits (defaults)', (_target, getDb) => {
  const server = useServer(getDb);

  it('body over 1 MiB → 413 PAYLOAD_TOO_LARGE; exactly at the limit it is read', async () => {
    const big = withTags(`"${'x'.repeat(1024 * 1024)}"`);
    expectEnvelope(await post(server().url, big), 413, 'PAYLOAD_TOO_LARGE');
    const fits = withTags(`"${'x'.repeat(1024 * 1024 - withTags('""', 'fits').length)}"`, 'fits');
    expect(Buffer.byteLength(fits)).toBe(1024 * 1024);
    expect((await post(server().url, fits)).status).toBe(201);
  });

  it('headers over 16 KiB → 431 HEADERS_TOO_LARGE (HEAD: no body); a request line over 8 KiB inside them → 414', async () => {
    const res = await rawExchange(
      server().url,
      Buffer.from(`GET /customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`),
    );
    expectEnvelope(res!, 431, 'HEADERS_TOO_LARGE');
    const head = await rawExchange(
      server().url,
      Buffer.from(`HEAD /customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`),
    );
    expect(head?.status).toBe(431);
    expect(head?.text).toBe('');
    expectEnvelope(
      (await rawExchange(
        server().url,
        Buffer.from(`GET /customers?q=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      ))!,
      414,
      'URI_TOO_LONG',
    );
  });

  it('URL over 8 KiB → 414 URI_TOO_LONG (also with a trailing slash); 8 KiB exactly is served; a 501-character id → 414', async () => {
    const at = (n: number) => `/customers?name=${'a'.repeat(n - '/customers?name='.length)}`;
    expectEnvelope(await server().request('GET', at(8193)), 414, 'URI_TOO_LONG');
    expectEnvelope(await server().request('GET', `/customers/${'a'.repeat(8200)}/`), 414, 'URI_TOO_LONG');
    expect((await server().request('GET', at(8192))).status).toBe(200);
    expectEnvelope(await server().request('GET', `/customers/${'1'.repeat(501)}`), 414, 'URI_TOO_LONG');
  });

  it('JSON deeper than 64 levels → 422 JSON_TOO_DEEP (10 000 levels too, quickly); 64 levels (the body object + 63) are accepted', async () => {
    expect((await post(server().url, withTags(nested(63), 'deep63'))).status).toBe(201);
    expectEnvelope(await post(server().url, withTags(nested(64), 'deep64')), 422, 'JSON_TOO_DEEP');
    const started = Date.now();
    expectEnvelope(await post(server().url, nested(10_000)), 422, 'JSON_TOO_DEEP');
    expectEnvelope(await post(server().url, nested(1_000_000)), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(
      await send(server().url, {
        method: 'PATCH',
        path: '/customers/1',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: Buffer.from(`{"tags":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`),
      }),
      422,
      'JSON_TOO_DEEP',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    // Brackets inside strings are text, not nesting.
    expect((await post(server().url, withTags(`"${'['.repeat(500)}"`, 'text'))).status).toBe(201);
  });

  it('an array of more than 10 000 items → 422 JSON_ARRAY_TOO_LONG (100 000 too); 10 000 are accepted', async () => {
    const array = (n: number) => `[${Array(n).fill('0').join(',')}]`;
    expect((await post(server().url, withTags(array(10_000), 'a10k'))).status).toBe(201);
    expectEnvelope(await post(server().url, withTags(array(10_001), 'a10k1')), 422, 'JSON_ARRAY_TOO_LONG');
    expectEnvelope(await post(server().url, array(100_000)), 422, 'JSON_ARRAY_TOO_LONG');
    const patch = `[${Array(10_001).fill('{"op":"test","path":"/name","value":"L"}').join(',')}]`;
    expectEnvelope(
      await send(server().url, {
        method: 'PATCH',
        path: '/customers/1',
        headers: { 'content-type': 'application/json-patch+json' },
        body: Buffer.from(patch),
      }),
      422,
      'JSON_ARRAY_TOO_LONG',
    );
  });

  it('1e400 → 422 NUMBER_OUT_OF_RANGE naming it; an unpaired surrogate → 422 INVALID_UNICODE naming it; nothing stored', async () => {
    const big: Res = await post(
      server().url,
      '{"name":"N","email":"n1@example.com","tags":{"x":[1,-1e400]}}',
    );
    expectEnvelope(big, 422, 'NUMBER_OUT_OF_RANGE');
    expect(big.json[0].pointer).toBe('/tags/x/1');
    const lone = await post(server().url, '{"name":"\\ud800","email":"n2@example.com"}');
    expectEnvelope(lone, 422, 'INVALID_UNICODE');
    expect(lone.json[0].pointer).toBe('/name');
    expectEnvelope(
      await post(server().url, '{"name":"N","email":"n3@example.com","tags":{"\\udfff":1}}'),
      422,
      'INVALID_UNICODE',
    );
    // A proper pair is fine.
    expect((await post(server().url, '{"name":"\\ud83d\\ude00","email":"n4@example.com"}')).status).toBe(201);
    expect(
      (await server().request('GET', '/customers?email[in]=n1@example.com,n2@example.com,n3@example.com'))
        .json,
    ).toEqual([]);
  });

  it('bad percent-encoding in the path → 400; HTTP/1.1 without Host → 400; CONNECT → 501: all the envelope', async () => {
    expectEnvelope(await server().request('GET', '/customers/%E0%A4%A'), 400, 'BAD_REQUEST');
    expectEnvelope(
      (await rawExchange(server().url, Buffer.from('GET /customers HTTP/1.1\r\nConnection: close\r\n\r\n')))!,
      400,
      'BAD_REQUEST',
    );
    expectEnvelope(
      (await rawExchange(
        server().url,
        Buffer.from('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      ))!,
      501,
      'NOT_IMPLEMENTED',
    );
  });

  it('a HEAD refused by the HTTP parser gets no body, also when it arrives glued to a request before it', async () => {
    const body = '{"name":"glued","email":"glued@example.com"}';
    const bytes = Buffer.from(
      `POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'HEAD /\u00e9customers HTTP/1.1\r\nHost: x\r\n\r\n',
      'latin1',
    );
    const { port } = new URL(server().url);
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('connect', () => socket.write(bytes));
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    socket.destroy();
    const text = Buffer.concat(chunks).toString('latin1');
    // Node answers the parse error at once and closes (the POST's own answer may not get out first);
    // the packet began with the POST, yet the 400 is known to answer a HEAD: nothing after its head.
    const refusal = text.indexOf('HTTP/1.1 400');
    expect(refusal, text).toBeGreaterThanOrEqual(0);
    expect(text.slice(refusal).endsWith('\r\n\r\n'), text).toBe(true);
  });
});

const SMALL = `
limits: { bodyBytes: 2000, urlBytes: 100, jsonDepth: 3, arrayItems: 2 }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      email: { type: email, required: true }
      tags: { type: json }
`;

describeEachStore('request limits (configured)', (_target, getDb) => {
  const server = useServer(getDb, { yaml: SMALL });

  it('limits: { bodyBytes, urlBytes, jsonDepth, arrayItems } are enforced as configured', async () => {
    expectEnvelope(await post(server().url, withTags(`"${'x'.repeat(2000)}"`)), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await server().request('GET', `/customers?name=${'a'.repeat(90)}`), 414, 'URI_TOO_LONG');
    expect((await post(server().url, withTags('[[1]]', 'three'))).status).toBe(201);
    expectEnvelope(await post(server().url, withTags('[[[1]]]')), 422, 'JSON_TOO_DEEP');
    expectEnvelope(await post(server().url, withTags('[1,2,3]')), 422, 'JSON_ARRAY_TOO_LONG');
    const ok = await post(server().url, withTags('[1,2]'));
    expect(ok.status).toBe(201);
    const es = await send(server().url, {
      method: 'POST',
      path: '/customers',
      headers: { 'content-type': 'application/json', 'accept-language': 'es' },
      body: Buffer.from(withTags('[1,2,3]', 'es')),
    });
    expect(es.json[0].userMessage).toBe(
      'Una lista del cuerpo de la petición tiene demasiados elementos (más de 2).',
    );
  });
});

describe('limits in the config', () => {
  const build = (yaml: string) => () =>
    buildModel(parseConfigText(`${yaml}\nresources: { things: { fields: { name: string } } }`, 'verbo.yaml'));

  it('defaults: 1 MiB body, 8 KiB URL, depth 64, 10 000 items', () => {
    const model = build('name: x')();
    expect(model.bodyLimit).toBe(1024 * 1024);
    expect(model.limits).toEqual({
      urlBytes: 8192,
      jsonDepth: 64,
      arrayItems: 10_000,
      importBytes: 1024 ** 3,
    });
  });

  it('refuses unknown keys, non-positive values, and bodyLimit together with limits.bodyBytes', () => {
    expect(build('limits: { urlBytes: 0 }')).toThrow(/limits\.urlBytes|urlBytes/);
    expect(build('limits: { depth: 3 }')).toThrow(/unknown key/);
    expect(build('limits: [1]')).toThrow(/mapping/);
    expect(build('bodyLimit: 10\nlimits: { bodyBytes: 20 }')).toThrow(/give one of them/);
    expect(build('limits: { bodyBytes: 20 }')().bodyLimit).toBe(20);
  });
});
