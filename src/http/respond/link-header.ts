/** RFC 8288 Link for a collection page: next, prev, first — each only when there is a page to link. */
import type { Row } from '../../store/store.js';
import { encodeCursor } from '../query/cursor.js';
import type { ListPlan } from '../query/list-query-parser.js';

export interface PageFacts {
  /** The page's first record (for `prev`); read only when that link is sent. */
  first(): Row | undefined;
  /** The page's last record (for `next`); read only when that link is sent. */
  last(): Row | undefined;
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

/** The facts of a page of rows. */
export const rowsPage = (rows: Row[], more: boolean): PageFacts => ({
  first: () => rows[0],
  last: () => rows[rows.length - 1],
  more,
});

const link = (rel: string, url: string) => `<${url}>; rel="${rel}"`;

/** The links of an offset page (a list's, or a page of groups): next while there is more, prev and first past the start. */
export function offsetLinks(
  path: string,
  search: URLSearchParams,
  limit: number,
  offset: number,
  more: boolean,
): string[] {
  const links: string[] = [];
  if (more)
    links.push(link('next', withParams(path, search, { offset: String(offset + limit), cursor: undefined })));
  if (offset > 0) {
    links.push(
      link(
        'prev',
        withParams(path, search, { offset: String(Math.max(0, offset - limit)), cursor: undefined }),
      ),
      link('first', withParams(path, search, { offset: '0', cursor: undefined })),
    );
  }
  return links;
}

export function linkHeader(
  path: string,
  search: URLSearchParams,
  plan: ListPlan,
  page: PageFacts,
): string | undefined {
  const { limit, offset = 0, keyset, sort } = plan.query;
  const links: string[] = [];
  const add = (rel: string, url: string) => links.push(link(rel, url));
  const values = (row: Row) => sort.map((s) => row[s.field] ?? null);
  if (plan.paging === 'offset') {
    links.push(...offsetLinks(path, search, limit, offset, page.more));
  } else {
    const backwards = keyset?.direction === 'before';
    const hasNext = backwards ? true : page.more;
    const hasPrev = backwards ? page.more : keyset !== undefined;
    const last = hasNext ? page.last() : undefined;
    if (last)
      add(
        'next',
        withParams(path, search, { cursor: encodeCursor(plan.resource, sort, values(last), 'after') }),
      );
    const first = hasPrev ? page.first() : undefined;
    if (first)
      add(
        'prev',
        withParams(path, search, { cursor: encodeCursor(plan.resource, sort, values(first), 'before') }),
      );
    if (keyset) add('first', withParams(path, search, { cursor: undefined }));
  }
  return links.length ? links.join(', ') : undefined;
}
