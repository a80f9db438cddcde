/**
 * Reads one page of a list for the collection handler: as JSON texts the store builds itself when it
 * can (store/sql/json-select.ts: the records exactly as `toOutput` shows them, no object per row),
 * otherwise as rows. Texts only when nothing needs the row objects: no `embed` but the to-one ones
 * the store can put inside the texts (`embeds`, embed.ts jsonEmbeds), no field with a read
 * rule of its own (decided per caller and row, in representation.ts), and every sort field among
 * the fields shown (the Link header's cursor reads the first and last record's sort values).
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { JsonEmbed, ListQuery } from '../../store/query-types.js';
import type { Row, Store } from '../../store/store.js';
import type { PageFacts } from '../respond/link-header.js';
import { outputFieldNames, readGuarded } from '../respond/representation.js';
import type { ListPlan } from './list-query-parser.js';

export type PageRead = { texts: string[]; rows?: undefined } | { rows: Row[]; texts?: undefined };

export async function readPage(
  store: Store,
  r: ResourceDef,
  query: ListQuery,
  plan: ListPlan,
  embeds?: readonly JsonEmbed[],
): Promise<PageRead> {
  if (store.listJson && (plan.embed.length === 0 || embeds) && readGuarded(r).length === 0) {
    const fields = plan.fields ?? outputFieldNames(r);
    // A file field's JSON (its metadata and download URL) is built by the store too (json-select.ts).
    if (query.sort.every((s) => fields.includes(s.field))) {
      const texts = await store.listJson(r, query, fields, embeds);
      if (texts) return { texts };
    }
  }
  return { rows: await store.list(r, query) };
}

/** The facts of a page of texts: its first and last records parsed only when a Link needs them. */
export const textsPage = (texts: string[], more: boolean): PageFacts => ({
  first: () => (texts.length ? (JSON.parse(texts[0]) as Row) : undefined),
  last: () => (texts.length ? (JSON.parse(texts[texts.length - 1]) as Row) : undefined),
  more,
});
