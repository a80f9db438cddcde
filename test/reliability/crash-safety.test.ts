/**
 * Crash safety: a `verbo serve` process takes concurrent writes (creates and
 * patches) and is killed with SIGKILL mid-run; restarted on the same database, every write it
 * acknowledged (2xx) is there, no record is half-written, and the database itself is sound
 * (SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL: rows readable, counts agree).
 * The stress suite repeats the kill many times.
 */
import { expect, it } from 'vitest';
import { crashAndVerify } from '../support/crash-check.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('crash safety: SIGKILL mid-write', (target, getDb) => {
  it('every acknowledged write survives the kill; no record is half-written; the database checks clean', {
    timeout: 60_000,
  }, async () => {
    const f = await crashAndVerify(target, getDb(), 'crash1', 150);
    console.log(
      `[crash ${target.name}] ${f.requests} requests, ${f.acked} writes acknowledged, ${f.lost} lost, ${f.stale} patches rolled back, ` +
        `${f.torn} half-written, ${f.unansweredStored} unanswered writes stored anyway; integrity ${f.integrity}`,
    );
    expect(f.acked).toBeGreaterThan(0);
    expect(f.lost).toBe(0);
    expect(f.stale).toBe(0);
    expect(f.torn).toBe(0);
    expect(f.integrity).toBe('ok');
    expect(f.foreignKeyProblems).toBe(0);
    expect(f.sqlCount).toBe(f.rows);
  });
});
