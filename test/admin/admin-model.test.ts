/**
 * What the admin app reads from /openapi.json (admin/src/model.ts, docs/admin.md), without a
 * browser: fields and the ones that sort, file fields and their limits, live tables, bulk routes
 * and their rules — on the CRM examples' own documents.
 */
import { describe, expect, it } from 'vitest';
import { readModel } from '../../admin/src/model.js';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { CRM_SECURE_YAML, CRM_YAML, modelOf } from '../openapi/openapi-fixtures.js';

const appModel = (yaml: string) =>
  readModel(buildOpenApi(modelOf(yaml), { errorCodes: ERROR_CATALOGUE }) as Record<string, unknown>, '');

describe('the admin model of the CRM example', () => {
  const model = appModel(CRM_YAML);
  const customers = model.byName.get('customers')!;
  const field = (name: string) => customers.fields.find((f) => f.name === name)!;

  it('sorts by the fields the sort parameter names (not the aggregate keys it also takes)', () => {
    const sortable = customers.fields.filter((f) => f.sortable).map((f) => f.name);
    expect(sortable).toEqual(
      expect.arrayContaining(['id', 'name', 'email', 'status', 'createdAt', 'updatedAt']),
    );
    expect(field('tags').sortable).toBe(false);
  });

  it('a file field: its kind, upload route, accepted types, size limit and smallest thumbnail', () => {
    expect(field('avatar')).toMatchObject({
      kind: 'file',
      readOnly: true,
      file: {
        upload: true,
        accept: 'image/png, image/jpeg, image/webp',
        maxSize: 5 * 1024 * 1024,
        thumb: '100x100',
      },
    });
    expect(field('name').file).toBeUndefined();
  });

  it('search where the list takes q (customers: name, email, company), sorted by relevance', () => {
    expect(customers).toMatchObject({ search: true, relevance: true });
    expect(model.byName.get('orders')).toMatchObject({ search: false, relevance: false });
    expect(customers.fields.find((f) => f.name === 'relevance')).toBeUndefined();
  });

  it('live tables, exports and imports where the routes exist', () => {
    expect(customers).toMatchObject({
      live: true,
      exports: true,
      imports: { path: '/customers/imports' },
    });
  });
});

describe('the admin model of crm-secure', () => {
  it("imports follow the import route's own rule", () => {
    const customers = appModel(CRM_SECURE_YAML).byName.get('customers')!;
    expect(customers.imports).toEqual({ path: '/customers/imports', access: ['role:sales'] });
  });
});
