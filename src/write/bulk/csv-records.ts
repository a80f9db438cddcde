/**
 * RFC 4180 records from a stream of text, one at a time: fields separated by commas, records by
 * CRLF or LF, a field in double quotes may hold commas, quotes (doubled) and line breaks. A field
 * is `null` when it was empty and unquoted (no value), so `""` (an empty text) is told apart.
 */

export class CsvSyntaxError extends Error {}

export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<(string | null)[]> {
  let record: (string | null)[] = [];
  let field = '';
  let quoted = false; // the current field started with a quote
  let inQuotes = false; // inside its quotes
  let afterQuote = false; // a quote inside quotes: the end, or the first of a doubled pair
  let started = false; // the current record has a character
  let line = 1;
  const endField = () => {
    record.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  let first = true;
  for await (let chunk of chunks) {
    if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    first = false;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (inQuotes) {
        if (afterQuote) {
          afterQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // the closing quote: c is read below as after a field
        } else {
          if (c === '"') afterQuote = true;
          else {
            if (c === '\n') line++;
            field += c;
          }
          continue;
        }
      }
      if (c === ',') {
        endField();
        started = true;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && chunk[i + 1] === '\n') i++;
        else if (c === '\r' && i + 1 === chunk.length) {
          // a CR at the end of a chunk: its LF, if any, starts the next one (skipped as an empty line)
        }
        if (started || field !== '' || quoted) {
          endField();
          yield record;
        }
        record = [];
        started = false;
        line++;
      } else if (c === '"' && field === '' && !quoted) {
        quoted = true;
        inQuotes = true;
        started = true;
      } else if (quoted) {
        throw new CsvSyntaxError(`line ${line}: text after a closing quote`);
      } else if (c === '"') {
        throw new CsvSyntaxError(`line ${line}: a quote inside an unquoted field`);
      } else {
        field += c;
        started = true;
      }
    }
  }
  if (inQuotes && !afterQuote) throw new CsvSyntaxError(`line ${line}: a quoted field is not closed`);
  if (started || field !== '' || quoted) {
    endField();
    yield record;
  }
}
