/**
 * What a JSON body says is what is stored, or the request is refused: a body that is not UTF-8 is a
 * 400 MALFORMED_JSON (RFC 8259 §8.1; docs/errors.md), never text with U+FFFD in it, and an integer a
 * double cannot carry exactly is a 422 INEXACT_NUMBER naming it (docs/http-semantics.md), in `number` fields,
 * inside `json` values and in JSON Patch values (docs/limits.md).
 */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { send } from '../support/raw-http.js';
import { describeEachStore } from '../support/store-targets.js';

const BIG = '9007199254740993'; // 2^53 + 1: a double holds …992 or …994, never this
const TWO_TO_60 = '1152921504606846976'; // beyond 2^53, but a double holds it exactly

describeEachStore('JSON bodies: UTF-8 and exact integers', (_target, getDb) => {
  const server = useServer(getDb);
  const write = (body: Buffer | string, path = '/customers', method = 'POST', type = 'application/json') =>
    send(server().url, {
      method,
      path,
      headers: { 'content-type': type },
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    });
  /** A customer body whose name is given as raw bytes. */
  const withName = (name: Buffer, email: string) =>
    Buffer.concat([Buffer.from('{"name":"'), name, Buffer.from(`","email":"${email}"}`)]);
  const emails = async (...list: string[]) =>
    (await server().request('GET', `/customers?email[in]=${list.join(',')}`)).json.map(
      (c: { email: string }) => c.email,
    );

  it('invalid UTF-8 → 400 MALFORMED_JSON naming the byte offset; nothing stored', async () => {
    const cases: [string, Buffer, number][] = [
      ['latin1', Buffer.from('caf\xe9', 'latin1'), 12],
      ['truncated', Buffer.from([0x63, 0xe2, 0x82]), 10], // € (E2 82 AC) cut short
      ['overlong', Buffer.from([0xc0, 0xaf]), 9], // "/" in an overlong two-byte form
      ['surrogate', Buffer.from([0xed, 0xa0, 0x80]), 9], // U+D800 encoded as UTF-8
    ];
    for (const [label, bytes, offset] of cases) {
      const res = await write(withName(bytes, `${label}@example.com`));
      expectEnvelope(res, 400, 'MALFORMED_JSON');
      expect(res.json[0].internalMessage, label).toMatch(new RegExp(`not valid UTF-8.*byte ${offset}$`));
    }
    // Also for PATCH (merge patch) and an invalid byte inside a json value.
    const created = await write('{"name":"ok","email":"utf8-base@example.com"}');
    expect(created.status, created.text).toBe(201);
    const patched = await write(
      Buffer.concat([Buffer.from('{"tags":{"k":"'), Buffer.from([0xff]), Buffer.from('"}}')]),
      `/customers/${created.json.id}`,
      'PATCH',
      'application/merge-patch+json',
    );
    expectEnvelope(patched, 400, 'MALFORMED_JSON');
    expect((await server().request('GET', `/customers/${created.json.id}`)).json.tags).toBeNull();
    expect(await emails(...cases.map(([label]) => `${label}@example.com`))).toEqual([]);
  });

  it('valid multi-byte UTF-8 (é, €, emoji) is accepted and stored as sent', async () => {
    const name = 'café € 😀 日本';
    const res = await write(withName(Buffer.from(name, 'utf8'), 'multibyte@example.com'));
    expect(res.status, res.text).toBe(201);
    expect(res.json.name).toBe(name);
    expect((await server().request('GET', `/customers/${res.json.id}`)).json.name).toBe(name);
    // A U+FFFD the client really sent (EF BF BD) is text like any other.
    const replacement = await write(withName(Buffer.from('\ufffd', 'utf8'), 'fffd@example.com'));
    expect(replacement.status, replacement.text).toBe(201);
    expect(replacement.json.name).toBe('\ufffd');
  });

  it(`${BIG} in a number field, inside a json field or in a JSON Patch value → 422 INEXACT_NUMBER; nothing stored`, async () => {
    const customer = await write('{"name":"n","email":"exact-owner@example.com"}');
    const customerId = customer.json.id;
    const amount = await write(`{"customerId":${customerId},"title":"big","amount":${BIG}}`, '/orders');
    expectEnvelope(amount, 422, 'INEXACT_NUMBER');
    expect(amount.json[0].pointer).toBe('/amount');
    expect(amount.json[0].internalMessage).toMatch(
      new RegExp(
        `integer ${BIG} at /amount is beyond 2\\^53 and would be rounded to 9007199254740992; send it as a string`,
      ),
    );
    const tags = await write(
      `{"name":"t","email":"exact-tags@example.com","tags":{"n":12345678901234567891,"a/b":[1,-${BIG}]}}`,
    );
    expectEnvelope(tags, 422, 'INEXACT_NUMBER');
    expect(tags.json.map((p: { pointer: string }) => p.pointer)).toEqual(['/tags/n', '/tags/a~1b/1']);
    const es = await send(server().url, {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json', 'accept-language': 'es' },
      body: Buffer.from(`{"customerId":${customerId},"title":"big","amount":${BIG}}`),
    });
    expect(es.json[0].userMessage).toMatch(/envíalo como texto/);
    const merge = await write(
      `{"tags":{"deep":[{"x":${BIG}}]}}`,
      `/customers/${customerId}`,
      'PATCH',
      'application/merge-patch+json',
    );
    expectEnvelope(merge, 422, 'INEXACT_NUMBER');
    expect(merge.json[0].pointer).toBe('/tags/deep/0/x');
    const jsonPatch = await write(
      `[{"op":"replace","path":"/tags","value":${BIG}}]`,
      `/customers/${customerId}`,
      'PATCH',
      'application/json-patch+json',
    );
    expectEnvelope(jsonPatch, 422, 'INEXACT_NUMBER');
    expect(jsonPatch.json[0].pointer).toBe('/0/value');
    // A malformed body stays a 400, whatever numbers it holds.
    expectEnvelope(await write(`{"name":"m","tags":${BIG},}`), 400, 'MALFORMED_JSON');
    expect((await server().request('GET', `/orders?customerId=${customerId}`)).json).toEqual([]);
    expect((await server().request('GET', `/customers/${customerId}`)).json.tags).toBeNull();
    expect(await emails('exact-tags@example.com')).toEqual([]);
  });

  it('integers a double holds exactly, decimals and exponents keep their JSON meaning', async () => {
    const customer = await write(
      `{"name":"x","email":"exact-ok@example.com","tags":{"p":${TWO_TO_60},"e":1.5e300,"d":12345678901234567.5,"s":-9007199254740991}}`,
    );
    expect(customer.status, customer.text).toBe(201);
    expect(customer.json.tags).toEqual({
      p: 2 ** 60,
      e: 1.5e300,
      d: 12345678901234568,
      s: -9007199254740991,
    });
    // Sent back in its shortest form (1152921504606847000), which reads as the same double: exact.
    expect(BigInt(customer.json.tags.p)).toBe(2n ** 60n);
    const order = await write(
      `{"customerId":${customer.json.id},"title":"ok","amount":${TWO_TO_60}}`,
      '/orders',
    );
    expect(order.status, order.text).toBe(201);
    expect(order.json.amount).toBe(2 ** 60);
    const huge = await write(`{"customerId":${customer.json.id},"title":"e","amount":1.5e300}`, '/orders');
    expect(huge.status, huge.text).toBe(201);
    expect(huge.json.amount).toBe(1.5e300);
    // A digit string inside a json value is text: kept exactly.
    const text = await write(`{"name":"y","email":"exact-text@example.com","tags":{"n":"${BIG}"}}`);
    expect(text.status, text.text).toBe(201);
    expect(text.json.tags).toEqual({ n: BIG });
  });
});
