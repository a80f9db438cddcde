/**
 * Opaque keyset cursors: base64url JSON of the resource, the sort and the boundary row's sort
 * values, with a MAC so a changed cursor is refused (400) rather than silently misread. Set
 * VERBO_SECRET in production: with the public default anyone can mint a cursor, and although the
 * values of a decoded cursor are still type-checked (`keysetValuesFit`), only the MAC proves the
 * server issued it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import { type Keyset, RELEVANCE, type SortKey } from '../../store/query-types.js';

export interface CursorPayload {
  resource: string;
  sort: string;
  keyset: Keyset;
}

const secret = process.env.VERBO_SECRET ?? 'verbo-cursor-v1';
const mac = (body: string): Buffer => createHmac('sha256', secret).update(body).digest().subarray(0, 12);

export const sortSpec = (sort: SortKey[]): string =>
  sort.map((s) => (s.desc ? `-${s.field}` : s.field)).join(',');

/** Cursors made lately, by their JSON: a page read again (the first page of a busy list) costs no new MAC. */
const recent = new Map<string, string>();
const RECENT_MAX = 1000;

export function encodeCursor(
  resource: string,
  sort: SortKey[],
  values: unknown[],
  direction: Keyset['direction'],
): string {
  const json = JSON.stringify({
    r: resource,
    s: sortSpec(sort),
    v: values,
    d: direction === 'after' ? 'a' : 'b',
  });
  const known = recent.get(json);
  if (known) return known;
  const body = Buffer.from(json).toString('base64url');
  const cursor = `${body}.${mac(body).toString('base64url')}`;
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(json, cursor);
  return cursor;
}

/** Undefined when the cursor is malformed or was tampered with. */
export function decodeCursor(raw: string): CursorPayload | undefined {
  const [body, tag, extra] = raw.split('.');
  if (!body || !tag || extra !== undefined) return undefined;
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      typeof data.r !== 'string' ||
      typeof data.s !== 'string' ||
      !Array.isArray(data.v) ||
      (data.d !== 'a' && data.d !== 'b')
    )
      return undefined;
    return {
      resource: data.r,
      sort: data.s,
      keyset: { values: data.v, direction: data.d === 'a' ? 'after' : 'before' },
    };
  } catch {
    return undefined;
  }
}

/** A sort value the store could have sent for the field (its type decides), or null: what the store will bind. */
function fits(f: FieldDef, v: unknown): boolean {
  // A required field may still hold NULL in rows written before the field was added.
  if (v === null) return !f.system;
  return f.type.isStoredValue(v, f);
}

/** The keyset values match the sort's fields one for one, each of its field's kind. */
export function keysetValuesFit(r: ResourceDef, sort: SortKey[], values: unknown[]): boolean {
  return (
    values.length === sort.length &&
    sort.every((s, i) => {
      // A search's relevance (docs/search.md): the rank of the boundary row, a finite number.
      if (s.field === RELEVANCE) return typeof values[i] === 'number' && Number.isFinite(values[i]);
      const f = r.allFields.get(s.field);
      return f !== undefined && fits(f, values[i]);
    })
  );
}
