/** The import's RFC 4180 reader: quotes, doubled quotes, line breaks in fields, CRLF, chunk edges, errors with their line. */
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

  it('splits anywhere, bytes too: CR line ends, `""` and CRLF across chunks, multi-byte letters, a BOM, blank lines', async () => {
    const text = '\uFEFFnäme,"ß ""q""",\r\r\n"",Zoë\r"a\r\nb",,\n\nlast,"ü"';
    const expected = [
      ['näme', 'ß "q"', null],
      ['', 'Zoë'],
      ['a\r\nb', null, null],
      ['last', 'ü'],
    ];
    expect(await read(text)).toEqual(expected);
    const bytes = Buffer.from(text);
    for (let i = 1; i < bytes.length; i++) {
      const out: (string | null)[][] = [];
      const halves = (async function* () {
        yield bytes.subarray(0, i);
        yield bytes.subarray(i);
      })();
      for await (const r of csvRecords(halves)) out.push(r);
      expect(out, `split at byte ${i}`).toEqual(expected);
    }
  });

  it('counts lines inside quoted fields and across blank lines for its errors', async () => {
    await expect(read('a\r\n"b\nc",d\r\n\r\n\re"f\n')).rejects.toThrow(
      /^line 6: a quote inside an unquoted field/,
    );
    await expect(read('a\n\n"b\r\nc"x\n')).rejects.toThrow(/^line 4: text after a closing quote/);
  });

  it('refuses a quote in an unquoted field, text after a closing quote, an unclosed quote', async () => {
    await expect(read('a,b"c\n')).rejects.toThrow(CsvSyntaxError);
    await expect(read('"a"b,c\n')).rejects.toThrow(/after a closing quote/);
    await expect(read('x\n"abc\n')).rejects.toThrow(/^line 2: a quoted field is not closed/);
    await expect(read('a,b\nc,d\n"e"f,g\n')).rejects.toThrow(/^line 3: text after a closing quote/);
  });
});
