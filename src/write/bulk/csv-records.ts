/**
 * RFC 4180 records from a stream of text, one at a time: fields separated by commas, records by
 * CRLF, LF or CR, a field in double quotes may hold commas, quotes (doubled) and line breaks; a BOM
 * and blank lines are skipped. A field is `null` when it was empty and unquoted (no value), so `""`
 * (an empty text) is told apart. Rows of any length are handed on: the caller reports a ragged row
 * with its number.
 *
 * Its own reader, not `csv-parse`: telling `""` from an empty cell there takes a `cast` function,
 * and csv-parse builds a context object (three nested spreads) for every field it calls it with,
 * which made it read 26 000 rows/s of an export of the CRM customers (a tenth of its speed without
 * `cast`) and `verbo import` of a CSV four times slower than of NDJSON; this one reads about
 * 650 000 rows/s of the same file (test/stress/bulk-roundtrip.stress.ts).
 */
import { StringDecoder } from 'node:string_decoder';

export class CsvSyntaxError extends Error {}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

interface Read {
  cells: (string | null)[];
  /** Where the next record starts. */
  end: number;
  /** The line it starts on. */
  line: number;
}

/** Line breaks (CRLF, LF or CR) in text[from, to). */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/**
 * The record at text[at] (on line `line`); undefined when the text ends before the record does and
 * more may come (`final` false). A syntax error is thrown with its line.
 */
function readRecord(text: string, at: number, final: boolean, line: number): Read | undefined {
  const cells: (string | null)[] = [];
  let i = at;
  let ln = line;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      const opened = ln;
      let value = '';
      let from = i + 1;
      i = from;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          if (!final) return undefined;
          throw new CsvSyntaxError(`line ${opened}: a quoted field is not closed`);
        }
        if (q + 1 >= text.length && !final) return undefined; // `""` may be split by the chunk's end
        ln += lineBreaks(text, i, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      cells.push(value);
      const c = text.charCodeAt(i);
      if (i < text.length && c !== COMMA && c !== LF && c !== CR)
        throw new CsvSyntaxError(`line ${ln}: text after a closing quote`);
    } else {
      let j = i;
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE) throw new CsvSyntaxError(`line ${ln}: a quote inside an unquoted field`);
      }
      if (j >= text.length && !final) return undefined;
      cells.push(j === i ? null : text.slice(i, j));
      i = j;
    }
    if (i >= text.length) return { cells, end: i, line: ln };
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 >= text.length && !final) return undefined; // CRLF may be split
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i++;
    return { cells, end: i, line: ln + 1 };
  }
}

export async function* csvRecords(
  chunks: AsyncIterable<string | Buffer> | Iterable<string>,
): AsyncGenerator<(string | null)[]> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let line = 1;
  let started = false;
  /** The whole records of `text`, which then keeps only the unfinished one. */
  function* records(final: boolean): Generator<(string | null)[]> {
    let pos = 0;
    try {
      while (pos < text.length) {
        const c = text.charCodeAt(pos);
        if (c === LF || c === CR) {
          // A blank line.
          if (c === CR && pos + 1 >= text.length && !final) break;
          pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
          line++;
          continue;
        }
        const r = readRecord(text, pos, final, line);
        if (!r) break;
        pos = r.end;
        line = r.line;
        yield r.cells;
      }
    } finally {
      text = text.slice(pos);
    }
  }
  for await (const chunk of chunks) {
    let part = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (!started && part) {
      started = true;
      if (part.charCodeAt(0) === 0xfeff) part = part.slice(1);
    }
    text += part;
    yield* records(false);
  }
  text += decoder.end();
  yield* records(true);
}
