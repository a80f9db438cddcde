/**
 * Record timestamps → the numbers and strings HTTP needs, without the Date parser on every read.
 * Both stores hand timestamps over as `toISOString()` text (`2026-11-23T14:09:06.751Z`); that exact
 * shape is read digit by digit, anything else goes through `Date.parse`. `GET /{r}/{id}` computes an
 * ETag and a Last-Modified per response, so this sits on the hottest path (bench/: W1).
 */

const DAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed']; // 1970-01-01 was a Thursday
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** The number made of the decimal digits s[from..to), or NaN when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Milliseconds since the epoch of a timestamp (ISO text, Date or number); NaN when it is none. */
export function timestampMillis(value: unknown): number {
  if (typeof value === 'string') {
    const year =
      value.length === 24 && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(23) === 90 /* Z */
        ? digits(value, 0, 4)
        : Number.NaN;
    // Date.UTC reads years 0–99 as 1900–1999: those (never written by a store) take the slow path.
    if (year >= 100) {
      const ms = Date.UTC(
        year,
        digits(value, 5, 7) - 1,
        digits(value, 8, 10),
        digits(value, 11, 13),
        digits(value, 14, 16),
        digits(value, 17, 19),
        digits(value, 20, 23),
      );
      if (!Number.isNaN(ms)) return ms;
    }
    return Date.parse(value);
  }
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value : Number.NaN;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** IMF-fixdate (RFC 9110 §5.6.7), as `Date#toUTCString()` writes it: `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms >= 253_402_300_800_000) return new Date(ms).toUTCString();
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  // Civil date from days since the epoch (H. Hinnant's days_from_civil, inverted).
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const dayOfMonth = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${DAYS[day % 7]}, ${two(dayOfMonth)} ${MONTHS[month - 1]} ${String(year).padStart(4, '0')} ${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)} GMT`;
}
