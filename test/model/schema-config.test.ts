/** `indexes:` and `renamedFrom:` in a config: read into the model, or located problems (docs/config.md). */
import { describe, expect, it } from 'vitest';
import { buildModel, ConfigError, formatProblem, parseConfigText } from '../../src/model/index.js';

const build = (yaml: string) => buildModel(parseConfigText(yaml, 'verbo.yaml'));
function problems(yaml: string): string[] {
  try {
    build(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('indexes in the config', () => {
  it('reads lists (- for descending) and the { fields, unique } form', () => {
    const m = build(`
resources:
  customers:
    fields: { status: string, email: string }
    indexes:
      - [status, -createdAt]
      - { fields: [email, status], unique: true }
`);
    expect(m.byName.get('customers')!.indexes).toEqual([
      {
        fields: [
          { name: 'status', descending: false },
          { name: 'createdAt', descending: true },
        ],
        unique: false,
      },
      {
        fields: [
          { name: 'email', descending: false },
          { name: 'status', descending: false },
        ],
        unique: true,
      },
    ]);
  });

  it('locates every problem: unknown field, bad form, a field twice, unknown key, a repeated index', () => {
    expect(
      problems(`
resources:
  customers:
    fields: { status: string }
    indexes:
      - [status, -nope]
      - status
      - [status, -status]
      - { fields: [status], uniq: true }
      - [status]
      - [status]
`),
    ).toEqual([
      'verbo.yaml:6 at resources.customers.indexes.0.1: unknown field "nope" (expected one of id, status, createdAt, updatedAt)',
      'verbo.yaml:7 at resources.customers.indexes.1: each index is a list of field names (`[status, -createdAt]`) or `{ fields: [...], unique: true }`',
      'verbo.yaml:8 at resources.customers.indexes.2: status appears twice in one index',
      'verbo.yaml:9 at resources.customers.indexes.3.uniq: unknown key (expected fields, unique)',
      'verbo.yaml:10 at resources.customers.indexes.4: the same index as entry 3',
      'verbo.yaml:11 at resources.customers.indexes.5: the same index as entry 4',
    ]);
  });
});

describe('renamedFrom in the config', () => {
  it('reads field and resource renames; a renamed resource redirects its old URLs', () => {
    const m = build(`
resources:
  customers:
    renamedFrom: [clients]
    fields: { name: { type: string, renamedFrom: [fullName] } }
`);
    const r = m.byName.get('customers')!;
    expect(r.renamedFrom).toEqual(['clients']);
    expect(r.movedFrom).toEqual(['clients']);
    expect(r.fields[0].renamedFrom).toEqual(['fullName']);
  });

  it('locates two renames onto one, a rename from a name in use, and a bad value', () => {
    expect(
      problems(`
resources:
  customers:
    renamedFrom: [clients]
    fields:
      name: { type: string, renamedFrom: [old] }
      label: { type: string, renamedFrom: [old] }
      title: { type: string, renamedFrom: [name] }
      other: { type: string, renamedFrom: 3 }
  people:
    renamedFrom: [clients]
    fields: { name: string }
`),
    ).toEqual([
      'verbo.yaml:7 at resources.customers.fields.label.renamedFrom.0: old is already renamed to name: two fields cannot be renamed from one',
      'verbo.yaml:8 at resources.customers.fields.title.renamedFrom.0: name is still a field: two fields cannot take its data',
      'verbo.yaml:9 at resources.customers.fields.other.renamedFrom: must be a list of former names, e.g. `renamedFrom: [oldName]`',
      'verbo.yaml:11 at resources.people.renamedFrom.0: clients is already renamed to customers: two resources cannot be renamed from one',
    ]);
  });
});
