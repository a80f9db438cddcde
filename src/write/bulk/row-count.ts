/**
 * Counts the rows of an import while its bytes are spooled, so a job knows its `total` before it
 * starts: NDJSON lines with content, CSV records (quotes tracked, header excluded), JSON array
 * elements (strings and depth tracked). A byte scan, no parsing.
 */
import type { ImportFormat } from './row-readers.js';

const NL = 0x0a;
const QUOTE = 0x22;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === NL;

export class RowCounter {
  private rows = 0;
  private content = false;
  private inString = false;
  private escaped = false;
  private depth = 0;

  constructor(private readonly format: ImportFormat) {}

  push(bytes: Uint8Array): void {
    if (this.format === 'json') this.json(bytes);
    else this.lines(bytes, this.format === 'csv');
  }

  private lines(bytes: Uint8Array, quoted: boolean): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (quoted && b === QUOTE) this.inString = !this.inString;
      if (b === NL && !this.inString) {
        if (this.content) this.rows++;
        this.content = false;
      } else if (!isSpace(b)) this.content = true;
    }
  }

  private json(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (this.depth === 1 && !this.content && !isSpace(b) && b !== 0x5d && b !== 0x2c) {
        this.content = true;
        this.rows++;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === 0x5b || b === 0x7b) this.depth++;
      else if (b === 0x5d || b === 0x7d) this.depth--;
      else if (b === 0x2c && this.depth === 1) this.content = false;
    }
  }

  /** The rows counted (a last line without a newline included; a CSV header not). */
  total(): number {
    if (this.format === 'json') return this.rows;
    const rows = this.rows + (this.content ? 1 : 0);
    return this.format === 'csv' ? Math.max(0, rows - 1) : rows;
  }
}
