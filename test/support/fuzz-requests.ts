/**
 * Random hostile requests against a verbo app: methods, paths (every route of the app, nested and
 * moved ones, docs and auth), absurd headers, query strings with filters, operators, paging and
 * SQL/percent-encoding garbage, and the bodies of fuzz-bodies.ts. Also raw byte streams no client
 * would send. Every value prints short (fast-check shows counterexamples with `toStringMethod`).
 */
import fc from 'fast-check';
import { bodyArb, type FuzzBody, nastyString } from './fuzz-bodies.js';
import { headersArb } from './fuzz-headers.js';
import { plausibleArb } from './fuzz-plausible.js';
import {
  COMMON_METHODS,
  ODD_KEYS,
  ODD_METHODS,
  OPS,
  PERCENT_JUNK,
  QUERY_VALUES,
  RAW_REQUESTS,
  RESERVED,
  SEGMENT_JUNK,
  TYPES,
} from './fuzz-words.js';

export interface FuzzTarget {
  /** Route templates with `{id}` (an item id) and `{tid}` (a token id): the API's own, chosen most often. */
  routes: string[];
  /** Other paths (docs, moved names, nothing): chosen now and then. */
  extraRoutes: string[];
  /** Ids of records that exist, as URL segments. */
  ids: string[];
  /** Query-string field names worth filtering and sorting on. */
  fields: string[];
  /** Valid credentials to send now and then (`authorization` or `cookie` headers). */
  credentials: Record<string, string>[];
  /** Ids by resource, for the well-formed requests mixed in (fuzz-plausible.ts). */
  customerIds: string[];
  orderIds: string[];
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: FuzzBody;
  /** Bytes written straight to a socket instead (then the other members only describe it). */
  raw?: Buffer;
}

const METHODS = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...COMMON_METHODS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
);

/** Percent-encoding that never throws (a lone surrogate becomes U+FFFD's bytes). */
const pct = (s: string): string =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** Characters Node's client sends as they are in a path: visible latin1 except the URL delimiters. */
const sendable = (ch: string): boolean => {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c > 0x20 && c !== 0x7f && c <= 0xff && !'#?&='.includes(ch);
};
/** Fully encoded, or only what Node's client refuses (so raw latin1 bytes and stray `%` reach the server). */
const encode = (s: string): string =>
  s.length % 3 === 0 ? pct(s) : Array.from(s, (ch) => (sendable(ch) ? ch : pct(ch))).join('');

function queryArb(target: FuzzTarget): fc.Arbitrary<string> {
  const field = fc.oneof(
    fc.constantFrom(...target.fields),
    fc.constantFrom('unknown', '__proto__', 'constructor', 'id', 'a.b', ''),
  );
  const key = fc.oneof(
    { weight: 3, arbitrary: field },
    { weight: 3, arbitrary: fc.tuple(field, fc.constantFrom(...OPS)).map(([f, op]) => `${f}[${op}]`) },
    { weight: 3, arbitrary: fc.constantFrom(...RESERVED) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
  );
  const list = fc.array(fc.constantFrom('a', '1', '%2C', ','), { maxLength: 1200 }).map((a) => a.join(','));
  const val = fc.oneof(
    { weight: 3, arbitrary: nastyString.map(encode) },
    { weight: 2, arbitrary: fc.constantFrom(...QUERY_VALUES) },
    { weight: 2, arbitrary: fc.constantFrom(...PERCENT_JUNK) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
    { weight: 1, arbitrary: list },
  );
  const pair = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(key, val).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: key },
    { weight: 1, arbitrary: fc.constantFrom('&', '=', '==', '&=&', '?', '#frag') },
  );
  return fc.array(pair, { maxLength: 6 }).map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

const pathMutation = fc.constantFrom<(p: string) => string>(
  (p) => `${p}/`,
  (p) => p.replace(/^\//, '//'),
  (p) => `${p}/extra`,
  (p) => p.replace(/[a-z]+/g, (w) => w.toUpperCase()),
  (p) => p.replace(/\//g, '/./'),
  (p) => `${p}/..`,
  (p) => `${p}%2F`,
  (p) => `${p};jsessionid=1`,
  () => `/${'a/'.repeat(40)}`,
  (p) => p.replace('/', '/\u00e9'),
);

function pathArb(target: FuzzTarget): fc.Arbitrary<string> {
  const id = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...target.ids) },
    { weight: 2, arbitrary: fc.constantFrom(...SEGMENT_JUNK) },
    { weight: 1, arbitrary: nastyString.map(encode) },
  );
  const template = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...target.routes) },
    { weight: 1, arbitrary: fc.constantFrom(...target.extraRoutes) },
  );
  const route = fc.tuple(template, id, id).map(([r, a, b]) => r.replace('{id}', a).replace('{tid}', b));
  const mutate = fc.oneof(
    { weight: 30, arbitrary: fc.constant((p: string) => p) },
    { weight: 10, arbitrary: pathMutation },
  );
  return fc.tuple(route, mutate, queryArb(target)).map(([p, m, q]) => m(p) + q);
}

export function requestArb(target: FuzzTarget): fc.Arbitrary<FuzzRequest> {
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...TYPES.slice(0, 5)) },
    { weight: 3, arbitrary: fc.constantFrom(...TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const http = fc
    .record({
      method: METHODS,
      path: pathArb(target),
      headers: headersArb(target.credentials),
      body: bodyArb,
      type: contentType,
      typeWithoutBody: fc.nat(5),
    })
    .map(({ type, typeWithoutBody, ...r }): FuzzRequest => {
      // A body mostly comes with a JSON type; a request without one now and then claims one anyway.
      const t = r.body.bytes !== undefined || typeWithoutBody === 0 ? type : undefined;
      return t === undefined ? r : { ...r, headers: { ...r.headers, 'content-type': t } };
    });
  const raw = fc.constantFrom(...RAW_REQUESTS).map(
    (s): FuzzRequest => ({
      method: s.split(' ')[0],
      path: JSON.stringify(s.slice(0, 60)),
      headers: {},
      body: { label: 'raw', bytes: undefined },
      raw: Buffer.from(s, 'latin1'),
    }),
  );
  const plausible = plausibleArb(target).map((r): FuzzRequest => r);
  return fc
    .oneof(
      { weight: 30, arbitrary: http },
      { weight: 10, arbitrary: plausible },
      { weight: 1, arbitrary: raw },
    )
    .map((r) => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) }));
}

/** One line per request: enough to replay it by hand, never a megabyte of body. */
export function describeRequest(r: FuzzRequest): string {
  const shorten = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…(${s.length} chars)` : s);
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${shorten(JSON.stringify(v))}`)
    .join('; ');
  const body = r.body.bytes
    ? ` body[${r.body.label}, ${r.body.bytes.length} B]: ${shorten(JSON.stringify(r.body.bytes.toString('latin1')))}`
    : ` body[${r.body.label}]`;
  return `${r.raw ? 'RAW ' : ''}${r.method} ${shorten(r.path)} {${headers}}${body}`;
}
