/** The import's RFC 4180 reader (csv-parse): quotes, doubled quotes, line breaks in fields, CRLF, chunk edges, errors with their line. */
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRecords } from '../../src/write/bulk/csv-records.js';

async function read(...chunks: string[]) {
  const out: (string | null)[][] = [];
  for await (const r of csvRecords(chunks)) out.push(r);
  return out;
}

describe('csvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; null for empty unquoted', async () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","l1\r\nl2"\n,"",z\n\n';
    expect(await read(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'l1\r\nl2'],
      [null, '', 'z'],
    ]);
  });

  it('gives the same records whatever the chunk edges', async () => {
    const text = 'a,"b""c",d\r\n"e\nf",,g';
    const whole = await read(text);
    for (let i = 1; i < text.length; i++) expect(await read(text.slice(0, i), text.slice(i))).toEqual(whole);
    expect(whole).toEqual([
      ['a', 'b"c', 'd'],
      ['e\nf', null, 'g'],
    ]);
  });

  it('refuses a quote in an unquoted field, text after a closing quote, an unclosed quote', async () => {
    await expect(read('a,b"c\n')).rejects.toThrow(CsvSyntaxError);
    await expect(read('"a"b,c\n')).rejects.toThrow(/after a closing quote/);
    await expect(read('x\n"abc\n')).rejects.toThrow(/^line 2: a quoted field is not closed/);
    await expect(read('a,b\nc,d\n"e"f,g\n')).rejects.toThrow(/^line 3: text after a closing quote/);
  });
});
