/**
 * An export's CSV lines built by the database (http/respond/export-stream.ts): each record's cells
 * exactly as the export writes them from `toOutput` (RFC 4180 quoting, null as an empty cell, json
 * and file fields as their JSON text), so a large export makes no object per row. Only where the
 * dialect can render every field's cell exactly (`SqlDialect.csvCell`); otherwise undefined and the
 * export formats rows itself.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { ListQuery } from '../query-types.js';
import { cachedExpression } from './expression-cache.js';
import { fileValue } from './json-select.js';
import { type CompiledSelect, compileSelect } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** The SQL expression of one record's CSV line (CRLF included), or undefined when it cannot be exact. */
export const csvLineExpression = cachedExpression(buildLine, 64);

function buildLine(d: SqlDialect, r: ResourceDef, fields: readonly string[]): string | undefined {
  if (!d.csvCell || !d.csvQuoted || !d.csvLine || !fields.length) return undefined;
  const cells: string[] = [];
  for (const name of fields) {
    const f = r.allFields.get(name);
    if (!f) return undefined;
    // A file field's JSON (its metadata and URL) always holds quotes, so it is always quoted.
    const file = f.type.file ? fileValue(d, r, f.name) : undefined;
    const cell =
      file !== undefined
        ? d.csvQuoted(file)
        : f.type.file
          ? undefined
          : d.csvCell(d.quote(f.name), f.storage);
    if (cell === undefined) return undefined;
    cells.push(cell);
  }
  return d.csvLine(cells);
}

/** compileSelect with each record's CSV line as `_csv`, then the sort fields (for the next page's keyset). */
export function compileSelectCsv(
  d: SqlDialect,
  r: ResourceDef,
  q: ListQuery,
  fields: readonly string[],
): CompiledSelect | undefined {
  if (q.related?.length || !q.sort.every((k) => r.allFields.has(k.field))) return undefined;
  const line = csvLineExpression(d, r, fields);
  if (!line) return undefined;
  const keys = q.sort.map((k) => d.quote(k.field));
  return compileSelect(d, r, q, [`${line} AS "_csv"`, ...keys].join(', '));
}
