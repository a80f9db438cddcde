/** Checks real responses against the document: the status is documented for the operation, the body matches its schema, every header sent is declared. */
import { expect } from 'vitest';
import { createAjv } from '../../src/write/record-validator.js';
import type { Res } from '../support/http-harness.js';

/** Response headers the document must declare whenever the server sends them. */
const API_HEADERS = [
  'x-trace-id',
  'etag',
  'last-modified',
  'location',
  'link',
  'x-total-count',
  'preference-applied',
  'idempotent-replayed',
  'retry-after',
  'allow',
  'accept-post',
  'accept-patch',
  'vary',
  'access-control-allow-origin',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
type Json = Record<string, any>;

export function documentChecker(doc: Json) {
  const ajv = createAjv();
  ajv.addSchema(doc, 'doc');
  const resolve = (v: Json | undefined): Json | undefined => {
    if (!v?.$ref) return v;
    return resolve(
      String(v.$ref)
        .slice(2)
        .split('/')
        .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc),
    );
  };
  const validators = new Map<unknown, ReturnType<typeof ajv.compile>>();
  const validatorOf = (schema: unknown) => {
    let v = validators.get(schema);
    if (!v) {
      v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
      validators.set(schema, v);
    }
    return v;
  };
  let checked = 0;
  return {
    get checked() {
      return checked;
    },
    /**
     * `template` is the document's path key, e.g. `/customers/{id}`. `aggregate`: the answer of a
     * `groupBy`/`aggregate` list, whose items the response declares in `x-verbo-aggregate-items`.
     */
    check(method: string, template: string, res: Res, options: { aggregate?: boolean } = {}): void {
      const op = doc.paths[template]?.[method.toLowerCase()];
      expect(op, `${method} ${template} is not in the document`).toBeDefined();
      const response = resolve(op.responses[String(res.status)]);
      expect(
        response,
        `${method} ${template} answered ${res.status}, which the document does not list (${Object.keys(op.responses)})`,
      ).toBeDefined();
      const declared = new Set(Object.keys(response!.headers ?? {}).map((h) => h.toLowerCase()));
      for (const h of API_HEADERS) {
        if (res.headers.has(h))
          expect(declared.has(h), `${method} ${template} ${res.status} sends ${h}, not declared`).toBe(true);
      }
      if (res.text === '') return;
      const type = (res.headers.get('content-type') ?? '').split(';')[0];
      const media = response!.content?.[type];
      expect(media, `${method} ${template} ${res.status}: ${type} is not documented`).toBeDefined();
      const schema = options.aggregate
        ? { type: 'array', items: response!['x-verbo-aggregate-items'] }
        : media.schema;
      if (options.aggregate) expect(schema.items, 'x-verbo-aggregate-items is declared').toBeDefined();
      const validate = validatorOf(schema);
      expect(
        validate(res.json),
        `${method} ${template} ${res.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
      ).toBe(true);
      checked++;
    },
  };
}
