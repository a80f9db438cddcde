/** A page of a collection: its items, total and links; async iteration walks every page by `Link: rel="next"`. */
import { parseLinkHeader } from './query-string.js';

export interface Page<T> extends AsyncIterable<T> {
  items: T[];
  /** `X-Total-Count`, when the list asked for `count: true`. */
  total: number | undefined;
  /** The opaque cursor of the next page (keyset paging), when there is one. */
  nextCursor: string | undefined;
  /** Absolute URLs from `Link`: next, prev, first (each only when the server gave it). */
  links: { next?: string; prev?: string; first?: string };
  /** The collection's weak ETag. */
  etag: string | undefined;
  hasNext: boolean;
  nextPage(): Promise<Page<T> | undefined>;
  previousPage(): Promise<Page<T> | undefined>;
}

/** What `list()` returns: await it for the first page, or `for await` over every item of every page. */
export type PagePromise<T> = Promise<Page<T>> &
  AsyncIterable<T> & {
    /** Every page in turn, following `Link: rel="next"`. */
    pages(): AsyncIterable<Page<T>>;
  };

type Loader<T> = (url: string) => Promise<Page<T>>;

export function makePage<T>(items: T[], headers: Headers, url: string, load: Loader<T>): Page<T> {
  const links: Page<T>['links'] = {};
  for (const [rel, target] of Object.entries(parseLinkHeader(headers.get('link')))) {
    if (rel === 'next' || rel === 'prev' || rel === 'first') links[rel] = new URL(target, url).toString();
  }
  const totalHeader = headers.get('x-total-count');
  const page: Page<T> = {
    items,
    total: totalHeader === null || totalHeader === '' ? undefined : Number(totalHeader),
    nextCursor: links.next ? (new URL(links.next).searchParams.get('cursor') ?? undefined) : undefined,
    links,
    etag: headers.get('etag') ?? undefined,
    hasNext: links.next !== undefined,
    nextPage: () => (links.next ? load(links.next) : Promise.resolve(undefined)),
    previousPage: () => (links.prev ? load(links.prev) : Promise.resolve(undefined)),
    async *[Symbol.asyncIterator]() {
      let current: Page<T> | undefined = page;
      while (current) {
        yield* current.items;
        current = await current.nextPage();
      }
    },
  };
  return page;
}

export function pagePromise<T>(first: Promise<Page<T>>): PagePromise<T> {
  return Object.assign(first, {
    async *[Symbol.asyncIterator]() {
      yield* await first;
    },
    async *pages() {
      let current: Page<T> | undefined = await first;
      while (current) {
        yield current;
        current = await current.nextPage();
      }
    },
  });
}
