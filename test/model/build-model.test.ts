/** Config → model: field types, options, and every problem listed with file, path and line. */
import { describe, expect, it } from 'vitest';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';

const build = (yaml: string, file = 'verbo.yaml') => buildModel(parseConfigText(yaml, file));

function problemsOf(yaml: string, file = 'verbo.yaml') {
  try {
    build(yaml, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('buildModel', () => {
  it('resolves every field type and the system fields', () => {
    const model = build(`
resources:
  things:
    fields:
      s: { type: string, minLength: 1, maxLength: 5, pattern: '^[a-z]+$', required: true }
      t: text
      i: { type: integer, minimum: 0, maximum: 10 }
      n: { type: number }
      b: boolean
      d: date
      dt: datetime
      e: email
      u: url
      id2: uuid
      en: { type: enum, values: [a, b], default: a }
      j: json
  parts:
    id: uuid
    fields:
      thingId: { type: reference, to: things, onDelete: cascade }
`);
    const things = model.byName.get('things')!;
    expect([...things.allFields.keys()]).toEqual([
      'id',
      's',
      't',
      'i',
      'n',
      'b',
      'd',
      'dt',
      'e',
      'u',
      'id2',
      'en',
      'j',
      'createdAt',
      'updatedAt',
    ]);
    expect(things.fields.find((f) => f.name === 'b')!.storage).toBe('boolean');
    const parts = model.byName.get('parts')!;
    expect(parts.idType).toBe('uuid');
    const { idField, ...reference } = parts.fields[0].reference!;
    expect(reference).toEqual({ resource: 'things', onDelete: 'cascade', idType: 'integer' });
    // The reference takes its target's id field (its type, storage and options).
    expect(idField).toBe(things.allFields.get('id'));
    expect(parts.toOne).toEqual([{ name: 'thing', resource: 'things', field: 'thingId' }]);
    expect(things.toMany).toEqual([
      { name: 'parts', resource: 'parts', field: 'thingId', onDelete: 'cascade' },
    ]);
  });

  it('names two to-many relations to one target apart, after their fields', () => {
    const model = build(`resources:
  people: { fields: { name: string } }
  parcels:
    fields:
      senderId: { type: reference, to: people }
      recipientId: { type: reference, to: people }
  notes:
    fields:
      authorId: { type: reference, to: people }
`);
    expect(model.byName.get('people')!.toMany.map((t) => t.name)).toEqual([
      'parcelsBySender',
      'parcelsByRecipient',
      'notes',
    ]);
  });

  it('lists every problem at once with its path and line', () => {
    const problems = problemsOf(`resources:
  Customers:
    fields:
      name: { type: strin }
      age: { type: integer, minimum: 10, maximum: 1 }
      status: { type: enum }
      owner: { type: reference, to: people }
      email: { type: email, uniqe: true }
      level: { type: enum, values: [a, b], default: c }
extra: 1
`);
    const paths = problems.map((p) => p.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'resources.Customers',
        'resources.Customers.fields.name.type',
        'resources.Customers.fields.age.minimum',
        'resources.Customers.fields.status.values',
        'resources.Customers.fields.owner.to',
        'resources.Customers.fields.email.uniqe',
        'resources.Customers.fields.level.default',
        'extra',
      ]),
    );
    expect(problems.find((p) => p.path.join('.') === 'resources.Customers.fields.name.type')!.line).toBe(4);
    expect(problems.every((p) => p.file === 'verbo.yaml' && p.message.length > 0)).toBe(true);
  });

  it('reports YAML and JSON syntax errors with a line', () => {
    const yaml = problemsOf('resources:\n  a: [\n');
    expect(yaml[0].message).toMatch(/not valid YAML/);
    const json = problemsOf('{"resources": {"a": }}', 'verbo.json');
    expect(json[0].message).toMatch(/not valid JSON/);
  });

  it('refuses server-set field names and an empty resource list', () => {
    expect(problemsOf('resources: {}')[0].path).toEqual(['resources']);
    const p = problemsOf('resources:\n  a:\n    fields:\n      id: string\n      createdAt: datetime\n');
    expect(p.map((x) => x.path.join('.'))).toEqual(['resources.a.fields.id', 'resources.a.fields.createdAt']);
  });

  it('loads the CRM example', async () => {
    const { loadModel } = await import('../../src/model/index.js');
    const model = loadModel(new URL('../../examples/crm/verbo.yaml', import.meta.url).pathname);
    expect(model.resources.map((r) => r.name)).toEqual(['customers', 'orders']);
    expect(model.byName.get('customers')!.movedFrom).toEqual(['clients']);
  });
});
