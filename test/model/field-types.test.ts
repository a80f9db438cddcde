/**
 * One table over the field registry: for EVERY registered type, values a body may and may not
 * carry, options `verbo check` refuses (located at the option), and a round trip through each
 * store (POST then GET gives the canonical value; a filter by the value finds the record).
 * Registering a type without a row here fails the first test.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/model/config-problem.js';
import { fieldTypes } from '../../src/model/field-registry.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { MESSAGE_KEYS } from '../../src/write/validation-messages.js';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

interface TypeRow {
  /** Options of the field under test (besides `type`). */
  decl?: Record<string, unknown>;
  valid: unknown[];
  invalid: unknown[];
  /** Declarations `verbo check` refuses, each naming the option it should point at. */
  badOptions: { option: string; value: unknown }[];
  /** Sent, read back, and the filter value that finds it (`field=value`, or `field[null]=false`). */
  roundTrip: { input: unknown; output: unknown; filter: string; op?: string };
  /** A filter value refused with 400. */
  badFilter?: string;
}

const UPPER_UUID = 'BCD66F8D-1C2A-4F5B-9E3D-7A8B9C0D1E2F';

/** The target of the reference row: the first record of `targets`, id 1 on a fresh database. */
const ROWS: Record<string, TypeRow> = {
  string: {
    decl: { maxLength: 5 },
    valid: ['', 'abcde'],
    invalid: [1, 'abcdef', true],
    badOptions: [
      { option: 'minLength', value: -1 },
      { option: 'maxLength', value: 1.5 },
      { option: 'pattern', value: '(' },
      { option: 'search', value: 'yes' },
    ],
    roundTrip: { input: 'héllo', output: 'héllo', filter: 'héllo' },
  },
  text: {
    valid: ['a long text'],
    invalid: [3, {}],
    badOptions: [
      { option: 'maxLength', value: -1 },
      { option: 'search', value: 1 },
    ],
    roundTrip: { input: 'line 1\nline 2', output: 'line 1\nline 2', filter: 'line 1\nline 2' },
  },
  integer: {
    decl: { minimum: -5, maximum: 10 },
    valid: [-5, 0, 10],
    invalid: [11, 1.5, '3', true],
    badOptions: [
      { option: 'minimum', value: 'a' },
      { option: 'maximum', value: null },
    ],
    roundTrip: { input: 7, output: 7, filter: '7' },
    badFilter: 'seven',
  },
  number: {
    decl: { maximum: 100 },
    valid: [0, 99.5, -3],
    invalid: [100.5, '1', []],
    badOptions: [
      { option: 'minimum', value: '1' },
      { option: 'maximum', value: true },
    ],
    roundTrip: { input: 12.25, output: 12.25, filter: '12.25' },
    badFilter: '1,5',
  },
  boolean: {
    valid: [true, false],
    invalid: ['true', 0],
    badOptions: [],
    roundTrip: { input: true, output: true, filter: 'true' },
    badFilter: 'yes',
  },
  date: {
    valid: ['2024-02-29'],
    invalid: ['2023-02-29', '2024-05-01T10:00:00Z', 20240501],
    badOptions: [],
    roundTrip: { input: '2024-05-01', output: '2024-05-01', filter: '2024-05-01' },
    badFilter: '2024-13-01',
  },
  datetime: {
    valid: ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5+02:00'],
    invalid: ['2024-05-01', 'yesterday'],
    badOptions: [],
    roundTrip: {
      input: '2024-05-01T12:00:00+02:00',
      output: '2024-05-01T10:00:00.000Z',
      filter: '2024-05-01T10:00:00Z',
    },
    badFilter: 'noon',
  },
  email: {
    valid: ['ada@example.com'],
    invalid: ['not-an-email', 5],
    badOptions: [
      { option: 'maxLength', value: -1 },
      { option: 'search', value: 1 },
    ],
    roundTrip: { input: 'ada@example.com', output: 'ada@example.com', filter: 'ada@example.com' },
  },
  url: {
    valid: ['https://example.com/a?b=c'],
    invalid: ['not a url', 5],
    badOptions: [
      { option: 'maxLength', value: -1 },
      { option: 'search', value: 1 },
    ],
    roundTrip: {
      input: 'https://example.com/x',
      output: 'https://example.com/x',
      filter: 'https://example.com/x',
    },
  },
  uuid: {
    valid: ['3f2b8c1e-6a4d-4c1b-9e7a-5d2f1b0c8a94', UPPER_UUID],
    invalid: ['3f2b8c1e', 42],
    badOptions: [],
    roundTrip: { input: UPPER_UUID, output: UPPER_UUID.toLowerCase(), filter: UPPER_UUID },
    badFilter: '123',
  },
  enum: {
    decl: { values: ['red', 'green'] },
    valid: ['red', 'green'],
    invalid: ['blue', 1],
    badOptions: [{ option: 'values', value: [] }],
    roundTrip: { input: 'green', output: 'green', filter: 'green' },
    badFilter: 'blue',
  },
  json: {
    valid: [{ a: [1, 'x'] }, [1, 2], 'text', 3],
    invalid: [],
    badOptions: [],
    roundTrip: {
      input: { a: [1, { b: null }] },
      output: { a: [1, { b: null }] },
      filter: 'false',
      op: 'null',
    },
    badFilter: '{}',
  },
  file: {
    decl: { maxSize: '1MB', accept: ['image/png'], thumbs: ['100x100'] },
    // Read-only in JSON bodies (the bytes go to /samples/{id}/f_file): only null, or nothing.
    valid: [null],
    invalid: [{ name: 'a.png', size: 1, type: 'image/png', sha256: 'a'.repeat(64), url: '/x' }, 'a.png'],
    badOptions: [
      { option: 'maxSize', value: '5 parsecs' },
      { option: 'accept', value: ['png'] },
      { option: 'thumbs', value: ['100'] },
    ],
    roundTrip: { input: null, output: null, filter: 'true', op: 'null' },
    badFilter: 'x',
  },
  reference: {
    decl: { to: 'targets' },
    valid: [1],
    invalid: ['1', 0, 1.5],
    badOptions: [
      { option: 'to', value: '' },
      { option: 'onDelete', value: 'explode' },
    ],
    roundTrip: { input: 1, output: 1, filter: '1' },
    badFilter: 'one',
  },
};

const fieldName = (type: string) => `f_${type}`;

const yamlOf = (fields: Record<string, Record<string, unknown>>) =>
  JSON.stringify({
    resources: {
      targets: { fields: { label: 'string' } },
      samples: { fields },
    },
  });

const sampleFields = Object.fromEntries(
  Object.entries(ROWS).map(([type, row]) => [fieldName(type), { type, ...row.decl }]),
);
const CONFIG = yamlOf(sampleFields);

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

describe('the field type table', () => {
  it('has a row for every registered type, and nothing else', () => {
    expect(Object.keys(ROWS).sort()).toEqual([...fieldTypes.keys()].sort());
  });

  it('refuses a bad value of every option, located at the option', () => {
    for (const [type, row] of Object.entries(ROWS)) {
      // Every option the type accepts has a bad-value row.
      expect(row.badOptions.map((b) => b.option).sort(), type).toEqual(
        [...fieldTypes.get(type)!.options].sort(),
      );
      for (const bad of row.badOptions) {
        const decl = { type, ...row.decl, [bad.option]: bad.value };
        let error: unknown;
        try {
          buildModel(parseConfigText(yamlOf({ x: decl }), 'verbo.json'));
        } catch (e) {
          error = e;
        }
        expect(error, `${type}.${bad.option}: ${JSON.stringify(bad.value)}`).toBeInstanceOf(ConfigError);
        const paths = (error as ConfigError).problems.map((p) => p.path.join('.'));
        expect(paths, `${type}.${bad.option}`).toContain(`resources.samples.fields.x.${bad.option}`);
      }
    }
  });

  it('builds the declaration of every row, and each type example is valid against its schema', () => {
    const model = buildModel(parseConfigText(CONFIG, 'verbo.json'));
    const ajv = addFormats(new Ajv2020({ strict: false }));
    for (const f of model.byName.get('samples')!.fields) {
      const example = f.type.example(f);
      if (example !== undefined) expect(ajv.validate(f.type.jsonSchema(f), example), f.name).toBe(true);
      for (const key of Object.values(f.type.messageKeys)) expect(MESSAGE_KEYS, f.name).toContain(key);
    }
  });

  it('describes every id kind completely: its example parses to itself, a server-assigned id can be generated', () => {
    for (const t of fieldTypes.values()) {
      if (!t.id) continue;
      expect(t.id.parse(String(t.id.example)), t.name).toEqual(t.id.example);
      expect(['store', 'server', 'client']).toContain(t.id.assignedBy);
      expect(t.id.assignedBy === 'server', t.name).toBe(typeof t.id.generate === 'function');
    }
  });
});

describeEachStore('every field type through the store', (_target, getDb) => {
  const server = useServer(getDb, { yaml: CONFIG });

  it('accepts the valid values and refuses the invalid ones with 422 naming the field', async () => {
    for (const [type, row] of Object.entries(ROWS)) {
      if (type === 'reference') await ensureTarget();
      const name = fieldName(type);
      for (const value of row.valid) {
        const res = await server().request('POST', '/samples', { body: { [name]: value } });
        expect(res.status, `${type} ${JSON.stringify(value)}: ${res.text}`).toBe(201);
      }
      for (const value of row.invalid) {
        const res = await server().request('POST', '/samples', { body: { [name]: value } });
        expectEnvelope(res, 422, 'VALIDATION_FAILED');
        expect(res.json[0].pointer, `${type} ${JSON.stringify(value)}`).toBe(`/${name}`);
      }
    }
  });

  it('round-trips a value: GET returns its canonical form, a filter by it finds the record', async () => {
    await ensureTarget();
    for (const [type, row] of Object.entries(ROWS)) {
      const name = fieldName(type);
      const { input, output, filter, op } = row.roundTrip;
      const created = await server().request('POST', '/samples', { body: { [name]: input } });
      expect(created.status, `${type}: ${created.text}`).toBe(201);
      const got = await server().request('GET', `/samples/${created.json.id}`);
      expect(got.json[name], type).toEqual(output);
      const key = op ? `${name}[${op}]` : name;
      const found = await server().request('GET', `/samples?${key}=${encodeURIComponent(filter)}&limit=1000`);
      expect(found.status, `${type}: ${found.text}`).toBe(200);
      expect(
        found.json.map((r: { id: unknown }) => r.id),
        `${type} filtered by ${filter}`,
      ).toContain(created.json.id);
      if (row.badFilter !== undefined) {
        const bad = await server().request('GET', `/samples?${name}=${encodeURIComponent(row.badFilter)}`);
        expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
      }
    }
  });

  async function ensureTarget(): Promise<void> {
    const one = await server().request('GET', '/targets/1');
    if (one.status === 404) {
      const res = await server().request('POST', '/targets', { body: { label: 'first' } });
      expect(res.json.id).toBe(1);
    }
  }
});
