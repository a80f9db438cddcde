/**
 * Full-text search on PostgreSQL (docs/search.md): a generated `tsvector` column `_verbo_search` over
 * the `search: true` columns with a GIN index `{table}_fts`. Its text search configuration
 * `verbo_search` copies `simple` with the `unaccent` dictionary first (contrib), so case and accents
 * fold and the column stays immutable. ASCII punctuation becomes spaces before parsing, so words
 * split where SQLite's unicode61 splits them (an e-mail address is three words on both stores).
 */
import type { ResourceDef } from '../../model/model-types.js';
import { searchFieldsOf } from '../../model/search-config.js';
import type { SearchTerm } from '../query-types.js';
import type { DbTable, SearchIndexSpec } from '../schema/schema-plan.js';
import { columnsOf } from '../schema/schema-planner.js';
import { run, type SchemaTask } from '../schema/schema-sync.js';
import type { SearchDialect } from '../sql/search-sql.js';

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
export const SEARCH_COLUMN = '_verbo_search';
const CONFIG = 'verbo_search';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
/** The token types of PostgreSQL's default parser that `simple` maps (all but blanks and tags). */
const TOKEN_TYPES =
  'asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart, email, url, host, file, url_path, version, sfloat, float, int, uint';
/** The column comment that records which fields the index covers (read back by introspection). */
const NOTE = /^verbo search index (\S+): (.*)$/;

/** The tsquery text of the terms: letters and digits only (never tsquery syntax), `:*` after a prefix, all required. */
export function tsQuery(terms: SearchTerm[]): string {
  return terms.map((t) => `${t.word}${t.prefix ? ':*' : ''}`).join(' & ');
}

export const pgSearch: SearchDialect = {
  match: (r, terms, p) =>
    `${q(r.name)}.${q(SEARCH_COLUMN)} @@ to_tsquery('${CONFIG}', ${p.add(tsQuery(terms))})`,
  ranked: (r, terms, p) => ({
    // float8: the keyset compares the rank a cursor carries exactly (ts_rank's real would not round-trip).
    join: `CROSS JOIN LATERAL (SELECT ts_rank(${q(r.name)}.${q(SEARCH_COLUMN)}, to_tsquery('${CONFIG}', ${p.add(tsQuery(terms))}), 1)::float8 AS "_relevance") AS "_search"`,
    matches: false,
  }),
};

const rowColumns = new WeakMap<ResourceDef, string>();

/** A searchable table's record columns (its generated column left out); undefined for the others (`*`). */
export function pgRowColumns(r: ResourceDef): string | undefined {
  if (!searchFieldsOf(r).length) return undefined;
  let columns = rowColumns.get(r);
  if (!columns) {
    const names = ['id', ...columnsOf(r).map((f) => f.name), 'createdAt', 'updatedAt', '_version'];
    columns = names.map((n) => `${q(r.name)}.${q(n)}`).join(', ');
    rowColumns.set(r, columns);
  }
  return columns;
}

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * The extension and the configuration, made once per schema. A server without `unaccent` stops the
 * sync with a message saying so (nothing is changed: the sync's transaction rolls back).
 */
const SETUP = `DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
      RAISE EXCEPTION 'search: true needs PostgreSQL''s unaccent extension, which this server lacks: install PostgreSQL''s contrib modules (e.g. the postgresql-contrib package), or remove search: true from the config';
    END IF;
    CREATE EXTENSION unaccent;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '${CONFIG}' AND cfgnamespace = current_schema()::regnamespace) THEN
    CREATE TEXT SEARCH CONFIGURATION ${CONFIG} (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION ${CONFIG} ALTER MAPPING FOR ${TOKEN_TYPES} WITH unaccent, simple;
  END IF;
END $$`;

/** The generated column (computed for every stored row as it is added), its note, and the GIN index. */
export function createSearchSql(table: string, index: SearchIndexSpec): string[] {
  const text = index.fields.map((f) => `coalesce(${q(f)}, '')`).join(` || ' ' || `);
  const words = `translate(${text}, ${literal(PUNCTUATION)}, ${literal(' '.repeat(PUNCTUATION.length))})`;
  return [
    SETUP,
    `ALTER TABLE ${q(table)} ADD COLUMN ${q(SEARCH_COLUMN)} tsvector GENERATED ALWAYS AS (to_tsvector('${CONFIG}'::regconfig, ${words})) STORED`,
    `COMMENT ON COLUMN ${q(table)}.${q(SEARCH_COLUMN)} IS ${literal(`verbo search index ${index.name}: ${index.fields.join(',')}`)}`,
    `CREATE INDEX ${q(index.name)} ON ${q(table)} USING GIN (${q(SEARCH_COLUMN)})`,
  ];
}

export function dropSearchSql(table: string, index: SearchIndexSpec): string[] {
  return [
    ...(index.name ? [`DROP INDEX IF EXISTS ${q(index.name)}`] : []),
    `ALTER TABLE ${q(table)} DROP COLUMN IF EXISTS ${q(SEARCH_COLUMN)}`,
  ];
}

/** Introspection: each table's generated search column, its fields (from its note) and whether its index exists. */
export function* introspectSearch(tables: Map<string, DbTable>, inSchema: string): SchemaTask<void> {
  const rows = yield* run(
    `SELECT c.relname AS t, col_description(c.oid, a.attnum) AS note
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE ${inSchema} AND c.relkind IN ('r', 'p') AND a.attname = '${SEARCH_COLUMN}' AND NOT a.attisdropped`,
  );
  for (const row of rows) {
    const table = tables.get(String(row.t));
    if (!table) continue;
    const m = NOTE.exec(String(row.note ?? ''));
    // An index dropped by hand (or a column without its note) is found as no index: built again.
    const name = m && table.indexes.has(m[1]) ? m[1] : '';
    table.search = { name, fields: m ? m[2].split(',') : [] };
  }
}
