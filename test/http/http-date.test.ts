import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpDate, timestampMillis } from '../../src/http/respond/http-date.js';

// From 0100-01-01 to 9999-12-31: every instant a store can write with toISOString().
const instants = fc.integer({ min: -59_011_459_200_000, max: 253_402_300_799_999 });

describe('http-date: the hand-rolled fast path agrees with Date', () => {
  it('timestampMillis(toISOString()) is the instant, for any instant', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        expect(timestampMillis(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000, seed: 20261123 },
    );
  });

  it('httpDate(ms) is Date#toUTCString(), for any instant', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        expect(httpDate(ms)).toBe(new Date(ms).toUTCString());
      }),
      { numRuns: 5000, seed: 20261123 },
    );
  });

  it('edge days: epoch, leap days, century rules, year ends', () => {
    for (const iso of [
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '1999-12-31T23:59:59.000Z',
      '2024-02-29T12:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      const ms = Date.parse(iso);
      expect(timestampMillis(iso), iso).toBe(ms);
      expect(httpDate(ms), iso).toBe(new Date(ms).toUTCString());
    }
  });

  it('other shapes fall back to Date.parse; junk is NaN; Dates and numbers pass through', () => {
    expect(timestampMillis('2026-11-23T14:09:06Z')).toBe(Date.parse('2026-11-23T14:09:06Z'));
    expect(timestampMillis('2026-11-23T14:09:06.751+01:00')).toBe(
      Date.parse('2026-11-23T14:09:06.751+01:00'),
    );
    expect(timestampMillis('0050-01-01T00:00:00.000Z')).toBe(Date.parse('0050-01-01T00:00:00.000Z'));
    expect(timestampMillis('2026-1x-23T14:09:06.751Z')).toBeNaN();
    expect(timestampMillis('not a date at all, 24 ch')).toBeNaN();
    expect(timestampMillis(undefined)).toBeNaN();
    expect(timestampMillis(new Date(5))).toBe(5);
    expect(timestampMillis(7)).toBe(7);
    expect(httpDate(Number.NaN)).toBe('Invalid Date');
  });
});
