/**
 * RFC 4180 records from a stream of text, one at a time, read by `csv-parse`: fields separated by
 * commas, records by CRLF or LF, a field in double quotes may hold commas, quotes (doubled) and
 * line breaks; a BOM and blank lines are skipped. A field is `null` when it was empty and unquoted
 * (no value), so `""` (an empty text) is told apart. Rows of any length are handed on: the caller
 * reports a ragged row with its number.
 */
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

export class CsvSyntaxError extends Error {}

const WHY: Partial<Record<CsvError['code'], string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
};

export async function* csvRecords(
  chunks: AsyncIterable<string | Buffer> | Iterable<string>,
): AsyncGenerator<(string | null)[]> {
  const parser = Readable.from(chunks).pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }),
  );
  try {
    for await (const record of parser) yield record as (string | null)[];
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = (e as CsvError & { lines?: number }).lines;
    throw new CsvSyntaxError(`line ${line ?? '?'}: ${WHY[e.code] ?? e.message}`);
  }
}
