/**
 * Exports whose lines the store builds (store/sql/csv-select.ts for CSV, json-select.ts for NDJSON)
 * must be byte for byte what the export writes from rows (http/respond/export-stream.ts through
 * toOutput): every field type, nulls, empty texts, quotes, commas, line breaks, 64-bit integers,
 * JSON, files — across page boundaries. A store or a field it cannot render (SQLite: doubles;
 * PostgreSQL: CSV) falls back to rows, with the same result.
 */
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ExportFormat, exportStream } from '../../src/http/respond/export-stream.js';
import { buildModel, type Model, parseConfigText, type ResourceDef } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { FIELD_KIND_ROWS, FIELD_KINDS_YAML } from '../support/field-kind-rows.js';
import { describeEachStore } from '../support/store-targets.js';

const CSV_EDGES = [
  { label: 'a,b', notes: 'say "hi"' },
  { label: 'cr\ronly', notes: 'crlf\r\nend', data: [1, 2] },
  { label: ' spaced ', notes: '"', data: [1] },
  { label: ',', notes: '""', data: { a: 'x,y' } },
  { label: 'plain', data: 5, active: true },
];

describeEachStore('exports built by the store', (target, getDb) => {
  let store: Store;
  let model: Model;
  let things: ResourceDef;
  /** The same store, read through rows only (no listCsv / listJson). */
  let rowsOnly: Store;

  beforeAll(async () => {
    store = await openStore(getDb());
    model = buildModel(parseConfigText(FIELD_KINDS_YAML, 'test.yaml'));
    await store.sync(model);
    things = model.byName.get('things')!;
    const owner = await store.insert(model.byName.get('owners')!, { name: 'o' });
    for (const row of [...FIELD_KIND_ROWS, ...CSV_EDGES])
      await store.insert(things, { ...row, owner: owner.id });
    // Past one export page (1 000 rows): the next page starts after the last line's sort values.
    const filler = Array.from({ length: 2100 }, (_, i) => ({
      label: `row ${i % 7}`,
      count: i,
      owner: owner.id,
    }));
    await store.insertMany(things, filler);
    rowsOnly = Object.create(store, { listCsv: { value: undefined }, listJson: { value: undefined } });
  });
  afterAll(async () => {
    await store?.close();
  });

  const exported = (s: Store, format: ExportFormat, fields?: string[], desc = false) =>
    text(
      exportStream(
        s,
        things,
        {
          query: {
            where: [],
            sort: [
              { field: 'label', desc },
              { field: 'id', desc },
            ],
          },
          fields,
        },
        format,
      ),
    );
  const withoutAmount = () => [...things.allFields.keys()].filter((f) => f !== 'amount');

  /** NDJSON lines are JSON documents: the database's spacing and number spelling may differ, not the meaning. */
  const same = (format: ExportFormat, a: string, b: string) =>
    format === 'csv'
      ? expect(a).toBe(b)
      : expect(a.split('\n').map((l) => l && JSON.parse(l))).toEqual(
          b.split('\n').map((l) => l && JSON.parse(l)),
        );

  for (const format of ['csv', 'ndjson'] as const)
    it(`${format}: what the rows give, every kind of field, over several pages`, async () => {
      const method = format === 'csv' ? 'listCsv' : 'listJson';
      const calls: unknown[] = [];
      const watched: Store = Object.create(store, {
        [method]: {
          value:
            store[method] &&
            ((...args: unknown[]) => {
              calls.push(args);
              return (store[method] as (...a: unknown[]) => unknown)(...args);
            }),
        },
      });
      const fields = withoutAmount();
      const direct = await exported(watched, format, fields, true);
      // SQLite builds both; PostgreSQL builds NDJSON only (its jsonb text is not the export's CSV cell).
      expect(calls.length > 0, `${target.name} builds ${format} lines`).toBe(
        target.name === 'sqlite' || format === 'ndjson',
      );
      same(format, direct, await exported(rowsOnly, format, fields, true));
      // The pages join up: every record once (CSV is byte-equal to the rows' export above).
      if (format === 'ndjson')
        expect(direct.split('\n').length - 1).toBe(FIELD_KIND_ROWS.length + CSV_EDGES.length + 2100);
      // Every field, doubles included (SQLite formats those rows in JS): still the same.
      same(format, await exported(store, format), await exported(rowsOnly, format));
    });

  it('csv: quotes only what RFC 4180 needs, "" for empty text, nothing for null', async () => {
    const csv = await exported(store, 'csv', ['label', 'notes', 'data', 'active']);
    expect(csv).toContain('\r\n"a,b","say ""hi""",,\r\n');
    expect(csv).toContain('\r\n"cr\ronly","crlf\r\nend","[1,2]",\r\n');
    expect(csv).toContain('\r\n spaced ,"""",[1],\r\n');
    expect(csv).toContain('\r\nplain,,5,true\r\n');
    expect(csv.startsWith('label,notes,data,active\r\n')).toBe(true);
  });
});
