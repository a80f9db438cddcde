/** RFC 8288 Link for a collection page: next, prev, first — each only when there is a page to link. */
import type { Row } from '../../store/store.js';
import { encodeCursor } from '../query/cursor.js';
import type { ListPlan } from '../query/list-query-parser.js';

export interface PageFacts {
  /** Rows of this page, in order. */
  rows: Row[];
  /** More rows exist beyond the page in the direction it was read. */
  more: boolean;
}

function withParams(path: string, search: URLSearchParams, set: Record<string, string | undefined>): string {
  const p = new URLSearchParams(search);
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) p.delete(k);
    else p.set(k, v);
  }
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

export function linkHeader(
  path: string,
  search: URLSearchParams,
  plan: ListPlan,
  page: PageFacts,
): string | undefined {
  const { limit, offset = 0, keyset, sort } = plan.query;
  const links: string[] = [];
  const add = (rel: string, url: string) => links.push(`<${url}>; rel="${rel}"`);
  const values = (row: Row) => sort.map((s) => row[s.field] ?? null);
  if (plan.paging === 'offset') {
    if (page.more)
      add('next', withParams(path, search, { offset: String(offset + limit), cursor: undefined }));
    if (offset > 0) {
      add(
        'prev',
        withParams(path, search, { offset: String(Math.max(0, offset - limit)), cursor: undefined }),
      );
      add('first', withParams(path, search, { offset: '0', cursor: undefined }));
    }
  } else {
    const first = page.rows[0];
    const last = page.rows[page.rows.length - 1];
    const backwards = keyset?.direction === 'before';
    const hasNext = backwards ? true : page.more;
    const hasPrev = backwards ? page.more : keyset !== undefined;
    if (hasNext && last)
      add(
        'next',
        withParams(path, search, { cursor: encodeCursor(plan.resource, sort, values(last), 'after') }),
      );
    if (hasPrev && first)
      add(
        'prev',
        withParams(path, search, { cursor: encodeCursor(plan.resource, sort, values(first), 'before') }),
      );
    if (keyset) add('first', withParams(path, search, { cursor: undefined }));
  }
  return links.length ? links.join(', ') : undefined;
}
