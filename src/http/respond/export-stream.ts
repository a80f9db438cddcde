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
import { readGuarded, toOutput, visibleFields } from './representation.js';

export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_MEDIA_TYPES: Record<string, ExportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
};

/** Rows read per query. */
const PAGE = 1000;
/** Lines handed on together (a chunk of the body). */
const LINES_PER_CHUNK = 200;

export interface ExportPlan {
  query: ListQuery;
  /** At most this many rows (`?limit`), else all of them. */
  cap?: number;
  fields?: string[];
  /** Adds the embedded records to a page's outputs (`?embed`). */
  embed?: (rows: Row[], outputs: Record<string, unknown>[]) => Promise<void>;
}

/**
 * One page of an export: the rows, or the lines the store built itself (CSV or NDJSON) with the
 * last record's sort values (the next page's keyset).
 */
type ExportPage = { rows: Row[]; lines?: undefined } | { lines: string[]; last?: Row; rows?: undefined };

/**
 * Lines built by the store (store/sql/csv-select.ts, json-select.ts), or undefined when it cannot
 * build them (then rows are read). Only asked when nothing needs the row objects (exportStream).
 */
async function storeLines(
  store: Store,
  r: ResourceDef,
  query: ListQuery,
  names: string[],
  format: ExportFormat,
): Promise<ExportPage | undefined> {
  if (format === 'csv') return store.listCsv?.(r, query, names);
  // NDJSON: the next keyset is read from the last line, so it must hold every sort field.
  if (!store.listJson || !query.sort.every((k) => names.includes(k.field))) return undefined;
  const texts = await store.listJson(r, query, names);
  if (!texts) return undefined;
  return {
    lines: texts.map((t) => `${t}\n`),
    last: texts.length ? (JSON.parse(texts[texts.length - 1]) as Row) : undefined,
  };
}

/**
 * Every matching row, page after page: each page starts after the last row of the one before.
 * `names`: the fields, when the store may build the lines itself (see storeLines).
 */
async function* pagesOf(
  store: Store,
  r: ResourceDef,
  plan: ExportPlan,
  format: ExportFormat,
  names: string[] | undefined,
): AsyncGenerator<ExportPage> {
  let remaining = plan.cap ?? Number.POSITIVE_INFINITY;
  let keyset: Keyset | undefined = plan.query.keyset;
  let offset = plan.query.offset;
  let direct = names;
  while (remaining > 0) {
    const limit = Math.min(PAGE, remaining);
    const query = { ...plan.query, limit, keyset, offset };
    const built = direct && (await storeLines(store, r, query, direct, format));
    // A store that cannot build them once never will for this export: rows from here on.
    if (!built) direct = undefined;
    const page: ExportPage = built || { rows: await store.list(r, query) };
    const count = page.lines ? page.lines.length : page.rows.length;
    if (count) yield page;
    remaining -= count;
    if (count < limit) return;
    const last = page.lines ? page.last! : page.rows[count - 1];
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
    // Without embeds or per-caller field rules, the store may build the lines (names fixed up front).
    const direct = !plan.embed && readGuarded(r).length === 0 ? columns() : undefined;
    for await (const page of pagesOf(store, r, plan, format, direct)) {
      // A turn of the event loop between pages: SQLite reads synchronously, and a consumer that
      // writes synchronously too (a redirected stdout) would otherwise run the whole export in
      // microtasks, where the GC's tasks never run and freed pages pile up (RSS grew with the
      // table); on a server, other requests get their turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (page.lines) {
        // In parts well under V8's large-object size (128 KB): young garbage, freed by the next
        // scavenge, where a whole page's text would wait in the large-object space for a full GC.
        for (let i = 0; i < page.lines.length; i += LINES_PER_CHUNK)
          yield page.lines.slice(i, i + LINES_PER_CHUNK).join('');
        continue;
      }
      const rows = page.rows;
      const outputs = rows.map((row) => toOutput(r, row, plan.fields));
      if (plan.embed) await plan.embed(rows, outputs);
      let text = '';
      if (format === 'csv' && !names) {
        names = Object.keys(outputs[0]);
        text += `${names.map(csvCell).join(',')}\r\n`;
      }
      for (let i = 0; i < outputs.length; i++) {
        text += format === 'ndjson' ? `${JSON.stringify(outputs[i])}\n` : csvLine(r, names!, outputs[i]);
        if ((i + 1) % LINES_PER_CHUNK === 0) {
          yield text;
          text = '';
        }
      }
      if (text) yield text;
    }
    // An empty CSV export still names its columns.
    if (format === 'csv' && !names) yield `${columns().map(csvCell).join(',')}\r\n`;
  }
  return Readable.from(lines(), { objectMode: false });
}
