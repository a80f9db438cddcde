/** `verbo types` (issue 8 item 3): the generated record types compile and type the client exactly. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { typesCommand } from '../../src/cli/types-command.js';
import { generateRecordTypes } from '../../src/codegen/record-types.js';
import { recordTypeNames } from '../../src/codegen/type-names.js';
import { buildModel, loadModel, parseConfigText } from '../../src/model/index.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { CLIENT_SOURCE, importPath, REPO, runTsc, tempDir } from './tsc-runner.js';

const dirs: string[] = [];
const fresh = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const OTHER_IDS = `
resources:
  users:
    id: string
    fields:
      name: { type: string, required: true }
  documents:
    id: uuid
    fields:
      authorId: { type: reference, to: users, required: true }
      body: text
      pages: { type: integer, default: 1, required: true }
      reviewed: boolean
      due: date
  order_items:
    fields:
      docId: { type: reference, to: documents, onDelete: set-null }
      categories: json
`;

describe('verbo types', () => {
  it('the CRM types compile with tsc and type the client (every @ts-expect-error line is a type error)', () => {
    const dir = fresh('verbo-types-');
    writeFileSync(
      join(dir, 'api-types.ts'),
      generateRecordTypes(loadModel(CRM_CONFIG), { source: 'verbo.yaml' }),
    );
    const usage = readFileSync(join(REPO, 'test/client/fixtures/typed-usage.ts.txt'), 'utf8');
    expect(usage.split('@ts-expect-error').length - 1).toBeGreaterThan(15);
    writeFileSync(join(dir, 'usage.ts'), usage.replace('__CLIENT__', importPath(dir, CLIENT_SOURCE)));
    const result = runTsc(dir, ['api-types.ts', 'usage.ts']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('tsc fails on the same program once one expected error is made a plain line (the check bites)', () => {
    const dir = fresh('verbo-types-');
    writeFileSync(join(dir, 'api-types.ts'), generateRecordTypes(loadModel(CRM_CONFIG)));
    const usage = readFileSync(join(REPO, 'test/client/fixtures/typed-usage.ts.txt'), 'utf8')
      .replace('__CLIENT__', importPath(dir, CLIENT_SOURCE))
      .replace('// @ts-expect-error email is required', '// email is required');
    writeFileSync(join(dir, 'usage.ts'), usage);
    const result = runTsc(dir, ['api-types.ts', 'usage.ts']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Property 'email' is missing/);
  }, 120_000);

  it('test/client/fixtures/crm-types.ts (used by the client tests) is what `verbo types` writes for the CRM example', () => {
    const fixture = readFileSync(join(REPO, 'test/client/fixtures/crm-types.ts'), 'utf8');
    const fresh = generateRecordTypes(loadModel(CRM_CONFIG), { source: 'verbo.yaml' });
    expect(
      fixture,
      'regenerate: verbo types examples/crm/verbo.yaml --out test/client/fixtures/crm-types.ts',
    ).toBe(fresh);
  });

  it('read, create and update shapes follow the model: nullability, defaults, enums, json, references', () => {
    const src = generateRecordTypes(loadModel(CRM_CONFIG));
    expect(src).toMatch(
      /export interface Customer \{[^}]*\n {2}id: number;[^}]*\n {2}name: string;[^}]*\n {2}phone: string \| null;[^}]*\n {2}status: 'lead' \| 'active' \| 'churned' \| null;[^}]*\n {2}tags: JsonValue;[^}]*\n {2}createdAt: string;[^}]*\n {2}updatedAt: string;\n\}/,
    );
    expect(src).toMatch(
      /export interface CustomerCreate \{[^}]*\n {2}name: string;[^}]*\n {2}email: string;[^}]*\n {2}phone\?: string \| null;[^}]*\n {2}status\?: 'lead'/,
    );
    expect(src).not.toMatch(/export interface CustomerCreate \{[^}]*\bid\??:/);
    expect(src).toMatch(
      /export interface CustomerUpdate \{[^}]*\n {2}name\?: string;[^}]*\n {2}phone\?: string \| null;/,
    );
    expect(src).toMatch(/export interface Order \{[^}]*\n {2}customerId: number;/);
    expect(src).toMatch(
      /customers: \{\n {4}id: number;\n {4}read: Customer;\n {4}create: CustomerCreate;\n {4}update: CustomerUpdate;/,
    );
    expect(src).toContain("toMany: { orders: { resource: 'orders'; field: 'customerId' } };");
    expect(src).toContain("toOne: { customer: { resource: 'customers'; field: 'customerId' } };");
    expect(src).toContain(
      '/** People and companies we sell to. A record of `customers`, as the API returns it. */',
    );
  });

  it('string and uuid keys, references to them, defaults of required fields, names of multi-word resources', () => {
    const model = buildModel(parseConfigText(OTHER_IDS, 'verbo.yaml'));
    const src = generateRecordTypes(model);
    expect(src).toMatch(/export interface User \{\n[^}]*id: string;/);
    expect(src).toMatch(/export interface UserCreate \{\n[^}]*\n {2}id: string;/);
    expect(src).toMatch(/export interface DocumentCreate \{\n[^}]*\n {2}id\?: string;/);
    expect(src).toMatch(
      /export interface Document \{[^}]*\n {2}authorId: string;[^}]*\n {2}pages: number;[^}]*\n {2}reviewed: boolean \| null;[^}]*\n {2}due: string \| null;/,
    );
    expect(src).toMatch(
      /export interface DocumentCreate \{[^}]*\n {2}authorId: string;[^}]*\n {2}pages\?: number;/,
    );
    expect(src).toMatch(
      /export interface OrderItem \{[^}]*\n {2}docId: string \| null;[^}]*\n {2}categories: JsonValue;/,
    );
    const dir = fresh('verbo-types-');
    writeFileSync(join(dir, 'types.ts'), src);
    const result = runTsc(dir, ['types.ts']);
    expect(result.output).toBe('');
  }, 120_000);

  it('names: plurals made singular, collisions and built-in names get a suffix', () => {
    const model = buildModel(
      parseConfigText(
        `
resources:
  categories: { fields: { a: string } }
  addresses: { fields: { a: string } }
  boxes: { fields: { a: string } }
  staff: { fields: { a: string } }
  records: { fields: { a: string } }
  category: { fields: { a: string } }
  resources: { fields: { a: string } }
`,
        'verbo.yaml',
      ),
    );
    expect(Object.fromEntries(recordTypeNames(model.resources))).toEqual({
      categories: 'Category',
      addresses: 'Address',
      boxes: 'Box',
      staff: 'Staff',
      records: 'RecordRecord',
      category: 'CategoryRecord',
      resources: 'Resource',
    });
  });

  it('the command writes the file with --out, or prints to stdout; a bad config exits through ConfigError', async () => {
    const dir = fresh('verbo-types-');
    const out = join(dir, 'nested', 'api-types.ts');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await typesCommand([CRM_CONFIG, '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      generateRecordTypes(loadModel(CRM_CONFIG), { source: 'verbo.yaml' }),
    );
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await typesCommand([CRM_CONFIG])).toBe(0);
    expect(String(write.mock.calls[0][0])).toContain('export interface Resources {');
    write.mockRestore();
    err.mockRestore();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'resources: { things: { fields: { x: { type: nope } } } }');
    await expect(typesCommand([bad])).rejects.toThrow(/problem|unknown type/);
    await expect(typesCommand([CRM_CONFIG, 'extra'])).rejects.toThrow(/unexpected argument/);
  });
});
