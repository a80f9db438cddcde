/**
 * SQLite's planner statistics without value samples. `ANALYZE` (run by an operator, or by `PRAGMA
 * optimize`) writes `sqlite_stat1` (rows per index key) and, in this build (SQLITE_ENABLE_STAT4),
 * `sqlite_stat4` (sampled key values). With samples, SQLite plans a statement with the bound values
 * of its indexed comparisons, so it prepares the statement again every time those values are bound:
 * every execution of a cached statement (`status = ?` in a list). A list of records as JSON costs
 * about 25 µs to prepare; on the benchmark's W2 that took verbo from 120 to 180 µs of CPU a request.
 * So at start-up the store keeps `sqlite_stat1` and drops the samples: the plans are those of the
 * averages, and each statement is prepared once. Data is never touched.
 */
import type Database from 'better-sqlite3';

/** Drops sqlite_stat4's rows, if any, and has the planner reread the statistics. True when it did. */
export function dropValueSamples(db: Database.Database): boolean {
  const table = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'")
    .get();
  if (!table || !db.prepare('SELECT 1 FROM sqlite_stat4 LIMIT 1').get()) return false;
  db.exec('DELETE FROM sqlite_stat4');
  // Rereads the statistics tables into the planner (https://sqlite.org/lang_analyze.html).
  db.exec('ANALYZE sqlite_schema');
  return true;
}
