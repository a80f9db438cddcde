/**
 * A list as CSV or NDJSON (docs/bulk.md): every matching row, read a page at a time by keyset (so
 * memory stays flat whatever the table size) and shown through the one representation
 * (`toOutput`). CSV follows RFC 4180: a header row of field names, CRLF line ends, cells quoted when
 * they hold a comma, a quote or a line break; null is an empty cell, an empty text `""`; json fields
 * and embedded records are JSON text.
 */
import { Readable } from 'node:stream';
import type { ResourceDef } from '../../model/model-types.js';
import type { Keyset, ListQuery } from '../../store/query-types.js';
import type { Row, Store } from '../../store/store.js';
import { toOutput, visibleFields } from './representation.js';

export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_MEDIA_TYPES: Record<string, ExportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
};

/** Rows read per query. */
const PAGE = 1000;

export interface ExportPlan {
  query: ListQuery;
  /** At most this many rows (`?limit`), else all of them. */
  cap?: number;
  fields?: string[];
  /** Adds the embedded records to a page's outputs (`?embed`). */
  embed?: (rows: Row[], outputs: Record<string, unknown>[]) => Promise<void>;
}

/** Every matching row, page after page: each page starts after the last row of the one before. */
async function* pagesOf(store: Store, r: ResourceDef, plan: ExportPlan): AsyncGenerator<Row[]> {
  let remaining = plan.cap ?? Number.POSITIVE_INFINITY;
  let keyset: Keyset | undefined = plan.query.keyset;
  let offset = plan.query.offset;
  while (remaining > 0) {
    const limit = Math.min(PAGE, remaining);
    const rows = await store.list(r, { ...plan.query, limit, keyset, offset });
    if (rows.length) yield rows;
    remaining -= rows.length;
    if (rows.length < limit) return;
    const last = rows[rows.length - 1];
    keyset = { values: plan.query.sort.map((k) => last[k.field] ?? null), direction: 'after' };
    offset = undefined;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell (RFC 4180). */
export function csvCell(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(r: ResourceDef, names: string[], out: Record<string, unknown>): string {
  let line = '';
  for (let i = 0; i < names.length; i++) {
    const v = out[names[i]];
    if (i) line += ',';
    if (v === null || v === undefined) continue;
    const f = r.allFields.get(names[i]);
    line += csvCell(f ? f.type.toText(v, f) : JSON.stringify(v));
  }
  return `${line}\r\n`;
}

/** The body of an export: a stream that reads the next page only when the client has taken the last. */
export function exportStream(store: Store, r: ResourceDef, plan: ExportPlan, format: ExportFormat): Readable {
  async function* lines(): AsyncGenerator<string> {
    let names: string[] | undefined;
    // The columns the caller may see (a field hidden from them is no column either).
    const columns = () => visibleFields(r, plan.fields ?? [...r.allFields.keys()]);
    if (format === 'csv' && !plan.embed) {
      names = columns();
      yield `${names.map(csvCell).join(',')}\r\n`;
    }
    for await (const rows of pagesOf(store, r, plan)) {
      const outputs = rows.map((row) => toOutput(r, row, plan.fields));
      if (plan.embed) await plan.embed(rows, outputs);
      let text = '';
      if (format === 'ndjson') for (const out of outputs) text += `${JSON.stringify(out)}\n`;
      else {
        if (!names) {
          names = Object.keys(outputs[0]);
          text += `${names.map(csvCell).join(',')}\r\n`;
        }
        for (const out of outputs) text += csvLine(r, names, out);
      }
      yield text;
    }
    // An empty CSV export still names its columns.
    if (format === 'csv' && !names) yield `${columns().map(csvCell).join(',')}\r\n`;
  }
  return Readable.from(lines(), { objectMode: false });
}
