/**
 * Full-text search on SQLite (docs/search.md): an FTS5 external-content table `{table}_fts` over the
 * `search: true` columns (tokenizer `unicode61 remove_diacritics 2`: case and accents folded), kept
 * in sync by three triggers on the table, and filled from the stored rows when built ('rebuild').
 * A search is `rowid IN (… MATCH …)`; a relevance sort joins the matches with their bm25 score.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { SearchTerm } from '../query-types.js';
import type { DbTable, SchemaPlan, SearchIndexSpec } from '../schema/schema-plan.js';
import { searchIndexName, searchIndexOf } from '../schema/schema-search.js';
import { run, type SchemaTask } from '../schema/schema-sync.js';
import type { SearchDialect } from '../sql/search-sql.js';

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
const TRIGGERS = ['ai', 'ad', 'au'] as const;
/** The tables FTS5 keeps beside a full-text table (its "shadow tables"). */
const SHADOWS = ['data', 'idx', 'docsize', 'config', 'content'];

/** The FTS5 query of the terms: each a quoted string (never FTS syntax), `*` after a prefix, all required. */
export function ftsQuery(terms: SearchTerm[]): string {
  return terms.map((t) => `"${t.word.replace(/"/g, '""')}"${t.prefix ? '*' : ''}`).join(' AND ');
}

/**
 * The ids of the rows matching the terms, each with its rank (`-bm25`: higher is more relevant). An
 * integer id is the rowid FTS5 keys its entries by; another id is read from the row of that rowid.
 * The list may read the table through a derived table (a sort by a related value), which has no
 * rowid: the search always meets it by id.
 */
function matchingIds(r: ResourceDef, ranked: boolean): (match: string) => string {
  const fts = q(searchIndexName(r.name));
  const rank = ranked ? `, -bm25(${fts}) AS "_relevance"` : '';
  if (r.allFields.get('id')?.storage === 'integer')
    return (match) => `SELECT ${fts}.rowid AS "_search_id"${rank} FROM ${fts} WHERE ${fts} MATCH ${match}`;
  return (match) =>
    `SELECT "_row"."id" AS "_search_id"${rank} FROM ${fts} JOIN ${q(r.name)} AS "_row" ON "_row".rowid = ${fts}.rowid WHERE ${fts} MATCH ${match}`;
}

export const sqliteSearch: SearchDialect = {
  match: (r, terms, p) => `${q(r.name)}."id" IN (${matchingIds(r, false)(p.add(ftsQuery(terms)))})`,
  ranked: (r, terms, p) => ({
    join: `JOIN (${matchingIds(r, true)(p.add(ftsQuery(terms)))}) AS "_search" ON "_search"."_search_id" = ${q(r.name)}."id"`,
    matches: true,
  }),
};

/** The FTS5 table over `table`'s columns, its triggers, and the index filled from the stored rows. */
export function createSearchSql(table: string, index: SearchIndexSpec): string[] {
  const fts = q(index.name);
  const list = index.fields.map(q).join(', ');
  const values = (row: string) => index.fields.map((f) => `${row}.${q(f)}`).join(', ');
  const remove = `INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});`;
  const add = `INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values('new')});`;
  const trigger = (suffix: string) => q(`${index.name}_${suffix}`);
  return [
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${fts} USING fts5(${list}, content=${literal(table)}, content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    `CREATE TRIGGER IF NOT EXISTS ${trigger('ai')} AFTER INSERT ON ${q(table)} BEGIN ${add} END`,
    `CREATE TRIGGER IF NOT EXISTS ${trigger('ad')} AFTER DELETE ON ${q(table)} BEGIN ${remove} END`,
    // Only a change to a searched column re-indexes the row.
    `CREATE TRIGGER IF NOT EXISTS ${trigger('au')} AFTER UPDATE OF ${list} ON ${q(table)} BEGIN ${remove} ${add} END`,
    `INSERT INTO ${fts}(${fts}) VALUES ('rebuild')`,
  ];
}

/** The triggers and the FTS5 table (its shadow tables go with it). */
export function dropSearchSql(index: SearchIndexSpec): string[] {
  return [
    ...TRIGGERS.map((t) => `DROP TRIGGER IF EXISTS ${q(`${index.name}_${t}`)}`),
    `DROP TABLE IF EXISTS ${q(index.name)}`,
  ];
}

/**
 * After a table rebuild (a new table under the old name): the triggers went with the old table and
 * the rowids may have changed, so the triggers are made again and the index refilled — unless this
 * plan builds the index itself later.
 */
export function afterRebuildSql(r: ResourceDef, plan: SchemaPlan): string[] {
  const index = searchIndexOf(r);
  if (!index || plan.steps.some((s) => s.kind === 'create-search-index' && s.resource === r.name)) return [];
  return createSearchSql(r.name, index);
}

/**
 * Introspection: each FTS5 table made over a table becomes that table's `search` (its columns are
 * the fields), and leaves the list of tables with its shadow tables.
 */
export function* introspectSearch(tables: Map<string, DbTable>): SchemaTask<void> {
  const virtual = yield* run(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'",
  );
  for (const { name, sql } of virtual) {
    const fts = tables.get(String(name));
    const content = /content='((?:[^']|'')*)'/.exec(String(sql))?.[1]?.replace(/''/g, "'");
    if (!fts || content === undefined) continue;
    const target = tables.get(content);
    if (target && fts.name === searchIndexName(content))
      target.search = { name: fts.name, fields: [...fts.columns.keys()] };
    tables.delete(fts.name);
    for (const s of SHADOWS) tables.delete(`${fts.name}_${s}`);
  }
}
