/**
 * The rows of an import, read from a stream one at a time (memory stays flat whatever the input's
 * size): NDJSON (one JSON object a line), CSV (RFC 4180, header row = field names) or a
 * JSON array (split element by element), handed on in batches (one per chunk read) so a row costs
 * no promise of its own. A row that cannot be read is a problem at `/rows/{n}`.
 */
import type { Readable } from 'node:stream';
import type { Problem } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import { csvRecords } from './csv-records.js';

/** CSV records handed on together. */
const CSV_BATCH = 500;

export type ImportFormat = 'ndjson' | 'csv' | 'json';

export const IMPORT_MEDIA_TYPES: Record<string, ImportFormat> = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
  'application/json': 'json',
};

/** One row of the input: its number (1-based, docs/bulk.md), and its body or why it could not be read. */
export interface InputRow {
  n: number;
  body?: Record<string, unknown>;
  problems?: Problem[];
}

const malformed = (n: number, why: string, pointer = `/rows/${n}`): InputRow => ({
  n,
  problems: [
    { code: 'MALFORMED_ROW', internalMessage: `row ${n}: ${why}`, pointer, vars: { row: String(n) } },
  ],
});

function parsedRow(n: number, text: string): InputRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return malformed(n, `not JSON (${(e as Error).message})`);
  }
  // Arrays and scalars are not records: the write planner says so at /rows/{n}.
  return { n, body: value as Record<string, unknown> };
}

/** NDJSON: row n is line n; blank lines are skipped (and still counted). A batch per chunk read. */
async function* ndjsonRows(input: Readable): AsyncGenerator<InputRow[]> {
  let n = 0;
  let rest = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    const batch: InputRow[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl);
      from = nl + 1;
      n++;
      if (line.trim()) batch.push(parsedRow(n, line));
    }
    rest = text.slice(from);
    if (batch.length) yield batch;
  }
  if (rest.trim()) yield [parsedRow(n + 1, rest)];
}

/** A JSON array, element by element: depth and strings are tracked, each element is parsed alone. */
async function* jsonArrayRows(input: Readable): AsyncGenerator<InputRow[]> {
  let n = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;
  let element = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const batch: InputRow[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (!started) {
        if (c === '[') {
          started = true;
          from = i + 1;
        } else if (!/\s/.test(c) && c !== '\uFEFF') {
          yield [malformed(0, 'the body is not a JSON array', '')];
          return;
        }
        continue;
      }
      if (ended) {
        if (!/\s/.test(c)) {
          yield [...batch, malformed(n + 1, 'text after the end of the array')];
          return;
        }
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) {
          // The array's own `]`.
          element += chunk.slice(from, i);
          if (element.trim() || n > 0) batch.push(parsedRow(++n, element));
          element = '';
          ended = true;
          continue;
        }
        depth--;
      } else if (c === ',' && depth === 0) {
        element += chunk.slice(from, i);
        batch.push(parsedRow(++n, element));
        element = '';
        from = i + 1;
      }
    }
    if (started && !ended) element += chunk.slice(from);
    if (batch.length) yield batch;
  }
  if (!started) yield [malformed(0, 'the body is empty, not a JSON array', '')];
  else if (!ended) yield [malformed(n + 1, 'the array is not closed')];
}

/**
 * CSV: the header names the fields; row 1 is the first line after it. A cell is text converted by
 * its field's type (`fromText`); an empty unquoted cell is an absent value, `""` an empty text.
 */
async function* csvRows(input: Readable, r: ResourceDef): AsyncGenerator<InputRow[]> {
  let header: string[] | undefined;
  let n = 0;
  let batch: InputRow[] = [];
  try {
    for await (const record of csvRecords(input)) {
      if (!header) {
        header = record.map((h) => h ?? '');
        continue;
      }
      n++;
      if (record.length !== header.length)
        batch.push(malformed(n, `has ${record.length} cells where the header has ${header.length}`));
      else batch.push(cellsToRow(r, n, header, record));
      if (batch.length >= CSV_BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    batch.push(malformed(n + 1, (e as Error).message));
  }
  if (batch.length) yield batch;
}

function cellsToRow(r: ResourceDef, n: number, header: string[], cells: (string | null)[]): InputRow {
  const body: Record<string, unknown> = {};
  const problems: Problem[] = [];
  header.forEach((name, i) => {
    const cell = cells[i];
    if (cell === null) return;
    const f = r.allFields.get(name);
    if (!f) {
      body[name] = cell; // an unknown field: the write planner names it
      return;
    }
    const parsed = f.type.fromText(cell, f);
    if (parsed.ok) body[name] = parsed.value;
    else
      problems.push({
        code: 'VALIDATION_FAILED',
        internalMessage: `${name} must be ${parsed.expected}, got ${JSON.stringify(cell)}`,
        pointer: `/rows/${n}/${name}`,
        vars: { field: name },
      });
  });
  return problems.length ? { n, problems } : { n, body };
}

/** The rows of `input` in order, in batches (as they are read: no row waits for a whole file). */
export function readRows(input: Readable, format: ImportFormat, r: ResourceDef): AsyncGenerator<InputRow[]> {
  if (format === 'csv') return csvRows(input, r);
  if (format === 'json') return jsonArrayRows(input);
  return ndjsonRows(input);
}
