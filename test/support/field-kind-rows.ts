/**
 * A resource with a field of every type (`things`, with a reference to `owners`) and rows that push
 * each kind to its edges: nulls, empty texts, escapes, 64-bit integers, doubles, JSON of every shape,
 * a file. Used where a store renders values itself (store/sql/json-select.ts, csv-select.ts).
 */
export const FIELD_KINDS_YAML = `
resources:
  owners:
    fields:
      name: string
  things:
    fields:
      label: string
      notes: text
      email: email
      site: url
      stage: { type: enum, values: [open, won, lost] }
      count: integer
      amount: number
      active: boolean
      day: date
      at: datetime
      data: json
      token: uuid
      owner: { type: reference, to: owners }
      doc: { type: file }
`;

export const FIELD_KIND_ROWS: Record<string, unknown>[] = [
  {},
  {
    label: 'quote " backslash \\\\ tab \\t nul-free \u0001 \u2028 emoji 🎉 accents ñé',
    notes: 'line\nbreak',
    email: 'ana@example.com',
    site: 'https://example.com/a?b=c&d=e',
    stage: 'won',
    count: '9007199254740993',
    amount: 0.1 + 0.2,
    active: true,
    day: '2026-02-28',
    at: '2026-11-23T14:09:06.751Z',
    data: { nested: [1, 'two', null, { deep: true }], unicode: '€', big: 1e21 },
    token: '0b7f8a3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c',
    doc: { name: "it's a “file”.pdf", size: 1234, type: 'application/pdf', sha256: 'a'.repeat(64) },
  },
  { label: '', count: -9007199254740991, amount: 1e21, active: false, data: [], notes: '' },
  { count: '-9223372036854775808', amount: -0, data: 'a JSON string', active: false },
  { count: 0, amount: 5e-324, data: null },
];
