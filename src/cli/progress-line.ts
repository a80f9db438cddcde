/**
 * The progress of a long command on standard error: on a terminal one line redrawn in place (a bar,
 * rows, rows/s, time left); otherwise a plain line every few seconds, so logs stay readable.
 */
const BAR = 24;
const PLAIN_EVERY_MS = 2000;

const duration = (s: number): string =>
  !Number.isFinite(s)
    ? '?'
    : s < 60
      ? `${Math.ceil(s)}s`
      : `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;

export class ProgressLine {
  private readonly started = Date.now();
  private lastPlain = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  private text(done: number, total: number | null): string {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = total && rate > 0 ? (total - done) / rate : Number.NaN;
    const of = total === null ? `${done}` : `${done}/${total}`;
    return `${this.label}: ${of} rows, ${Math.round(rate)} rows/s, ${duration(seconds)} elapsed${total ? `, ${duration(left)} left` : ''}`;
  }

  update(done: number, total: number | null): void {
    if (this.out.isTTY) {
      const share = total ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * BAR);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(share * 100)}%`;
      this.out.write(`\r\x1b[2K${bar} ${this.text(done, total)}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = Date.now();
      this.out.write(`${this.text(done, total)}\n`);
    }
  }

  /** The last state, on its own line. */
  finish(done: number, total: number | null): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${this.text(done, total)}\n`);
  }
}
