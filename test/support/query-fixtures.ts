/** Helpers for the collection-query suites (test/http/query*.test.ts): seeding, Link, call counting. */
import { expect } from 'vitest';
import type { ResourceDef } from '../../src/model/model-types.js';
import type { JsonEmbed, ListQuery } from '../../src/store/query-types.js';
import type { Res, TestServer } from './http-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: records are inspected freely
export type Rec = Record<string, any>;

/** POSTs each body in order (ids follow the order) and returns the created records. */
export async function createAll(server: TestServer, path: string, bodies: Rec[]): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const body of bodies) {
    const res = await server.request('POST', path, { body });
    expect(res.status, res.text).toBe(201);
    out.push(res.json);
  }
  return out;
}

/** RFC 8288 Link header → { rel: target }. Asserts every link is `<uri>; rel="…"`. */
export function linksOf(res: Res): Record<string, string> {
  const header = res.headers.get('link');
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>;\s*rel="([a-z]+)"$/.exec(part.trim());
    expect(m, `malformed Link part: ${part}`).not.toBeNull();
    out[m![2]] = m![1];
  }
  return out;
}

export const idsOf = (res: Res): unknown[] => {
  expect(res.status, res.text).toBe(200);
  expect(Array.isArray(res.json)).toBe(true);
  return res.json.map((r: Rec) => r.id);
};

/** Byte order on ASCII, NULL smallest: the order both stores promise. */
export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as string) < (b as string) ? -1 : 1;
}

/** Sorts records like `?sort=spec` should: the keys, then the id ascending. */
export function sortLike(records: Rec[], spec: string): Rec[] {
  const keys = spec
    .split(',')
    .map((k) => (k.startsWith('-') ? { f: k.slice(1), desc: true } : { f: k, desc: false }));
  return [...records].sort((x, y) => {
    for (const k of keys) {
      const c = compare(x[k.f], y[k.f]);
      if (c) return k.desc ? -c : c;
    }
    return compare(x.id, y.id);
  });
}

/** Follows `rel` links from `start` until there is none; returns every page in the order walked. */
export async function walk(server: TestServer, start: string, rel: 'next' | 'prev'): Promise<Res[]> {
  const pages: Res[] = [];
  let url: string | undefined = start;
  while (url) {
    const res = await server.request('GET', url);
    expect(res.status, res.text).toBe(200);
    pages.push(res);
    url = linksOf(res)[rel];
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

/**
 * Counts the store's `list` calls (one per SQL SELECT of rows) by resource while `fn` runs.
 * The app calls `ctx.store.list(…)` on the same store object, so an own property shadows the method.
 */
export async function countListCalls(server: TestServer, fn: () => Promise<void>): Promise<string[]> {
  const store = server.store;
  const calls: string[] = [];
  // Each list query once: rows (`list`), or JSON texts with to-one relations inside them
  // (`listJson`, named `orders+customers`: one query for both).
  const watched = ['list', 'listJson'] as const;
  const own = watched.map((name) => Object.getOwnPropertyDescriptor(store, name));
  const original = { list: store.list, listJson: store.listJson };
  store.list = async (r: ResourceDef, q: ListQuery) => {
    calls.push(r.name);
    return original.list.call(store, r, q);
  };
  if (original.listJson)
    store.listJson = async (
      r: ResourceDef,
      q: ListQuery,
      fields: readonly string[],
      embeds?: readonly JsonEmbed[],
    ) => {
      calls.push([r.name, ...(embeds ?? []).map((e) => e.target.name)].join('+'));
      return original.listJson!.call(store, r, q, fields, embeds);
    };
  try {
    await fn();
  } finally {
    watched.forEach((name, i) => {
      const descriptor = own[i];
      if (descriptor) Object.defineProperty(store, name, descriptor);
      else delete (store as Partial<typeof store>)[name];
    });
  }
  return calls;
}
