/**
 * Limits every request meets before a route runs (docs/limits.md): the URL length (414), a Host
 * header on HTTP/1.1 (400, RFC 9112 §3.2), and the shape of JSON bodies — nesting depth and array
 * length (422), checked on the raw text before it is parsed so a hostile body costs one linear scan,
 * then values no store keeps faithfully (422): numbers that overflow a double (`1e400` would be
 * stored as Infinity or null), integers a double cannot carry exactly (`9007199254740993`) and
 * strings with unpaired surrogates. Bodies must be UTF-8 (RFC 8259 §8.1): anything else is a 400.
 * The body size (413) is Fastify's `bodyLimit`; the header size (431) is Node's `maxHeaderSize`.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { RequestLimits } from '../../model/limits-config.js';
import { isExactIntegerLiteral, refuseInexactIntegers } from './inexact-integers.js';
import { firstInvalidUtf8 } from './utf8-offset.js';

/**
 * The first onRequest hook, so an over-long URL is refused before anything else reads it (a
 * trailing-slash redirect would copy it into Location). `headers` are those every response carries.
 */
export function registerRequestLimits(
  app: FastifyInstance,
  limits: RequestLimits,
  headers: Record<string, string>,
): void {
  // Callback style: no promise for the common case (nothing refused).
  app.addHook('onRequest', (req, reply, done) => {
    let refused: ApiError | undefined;
    // req.url is the request target as received: one character per byte.
    if (req.url.length > limits.urlBytes) {
      refused = ApiError.of(
        'URI_TOO_LONG',
        `the URL is ${req.url.length} bytes; the limit is ${limits.urlBytes}`,
      );
    } else if (req.raw.httpVersion === '1.1' && req.headers.host === undefined) {
      refused = ApiError.of('BAD_REQUEST', 'an HTTP/1.1 request needs a Host header (RFC 9112 §3.2)');
    }
    if (!refused) return done();
    reply.header('x-trace-id', req.id).headers(headers);
    done(refused);
  });
}

type JsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;
/** A body parser reading Fastify's `parseAs: 'buffer'` body. */
export type JsonBufferParser = (
  req: FastifyRequest,
  body: Buffer,
  done: (err: Error | null, value?: unknown) => void,
) => void;

/**
 * Wraps a JSON body parser (given the decoded text) with the checks: UTF-8 (400 MALFORMED_JSON),
 * then the shape before parsing (depth, arrays), then the values after (numbers, Unicode).
 * `integerMembers(req)` names the top-level members the route's validator already refuses as
 * inexact integers itself (integer fields, with their own message): an inexact number there is
 * left to it.
 */
export function limitJsonBodies(
  limits: RequestLimits,
  parse: JsonParser,
  integerMembers: (req: FastifyRequest) => ReadonlySet<string> | undefined = () => undefined,
): JsonBufferParser {
  return (req, body, done) => {
    let text: string;
    let inexact: number[] | undefined;
    try {
      if (!isUtf8(body)) {
        throw ApiError.of(
          'MALFORMED_JSON',
          `the body is not valid UTF-8 (RFC 8259 §8.1): invalid byte sequence at byte ${firstInvalidUtf8(body)}`,
        );
      }
      text = body.toString('utf8');
      inexact = checkJsonShape(text, limits);
    } catch (e) {
      return done(e as Error, undefined);
    }
    parse(req, text, (err, value) => {
      if (err) return done(err, undefined);
      try {
        checkJsonValues(value);
        if (inexact) refuseInexactIntegers(text, inexact, integerMembers(req));
      } catch (e) {
        return done(e as Error, undefined);
      }
      done(null, value);
    });
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * One pass over JSON text: throws JSON_TOO_DEEP past `jsonDepth` nested arrays/objects and
 * JSON_ARRAY_TOO_LONG past `arrayItems` items in one array. Malformed text is left to the parser.
 * Returns the offsets of integer literals (no `.`, `e`) that a double cannot carry exactly, if any:
 * they are refused once the text has parsed (a malformed body stays a 400). A decimal fraction or
 * an exponent is rounded to the nearest double as JSON numbers always are.
 */
export function checkJsonShape(text: string, limits: RequestLimits): number[] | undefined {
  // commas[d] counts the commas of the array open at depth d (-1: an object is open there).
  const commas = new Int32Array(limits.jsonDepth + 2);
  let depth = 0;
  let inString = false;
  let inexact: number[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.jsonDepth) {
        throw ApiError.of(
          'JSON_TOO_DEEP',
          `the body nests arrays and objects more than ${limits.jsonDepth} levels deep (at character ${i})`,
          { vars: { limit: String(limits.jsonDepth) } },
        );
      }
      commas[depth] = c === OPEN_ARRAY ? 0 : -1;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0 && commas[depth] >= 0 && ++commas[depth] >= limits.arrayItems) {
      throw ApiError.of(
        'JSON_ARRAY_TOO_LONG',
        `an array in the body has more than ${limits.arrayItems} items (at character ${i})`,
        { vars: { limit: String(limits.arrayItems) } },
      );
    } else if ((c >= ZERO && c <= NINE) || c === MINUS) {
      // A number token: read to its end; only an integer literal of more than 15 digits may be inexact.
      let integer = true;
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d >= ZERO && d <= NINE) continue;
        if (d === DOT || d === LOWER_E || d === UPPER_E || d === PLUS || d === MINUS) integer = false;
        else break;
      }
      if (integer && j - i > 15 && !isExactIntegerLiteral(text.slice(i, j))) {
        inexact ??= [];
        inexact.push(i);
      }
      i = j - 1;
    }
  }
  return inexact;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
/** An unpaired UTF-16 surrogate: JSON may escape one (`"\ud800"`), but it is no Unicode text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Throws for values no store keeps faithfully: a number JSON.parse turned into ±Infinity
 * (NUMBER_OUT_OF_RANGE) and a string or key with an unpaired surrogate (INVALID_UNICODE: SQLite
 * would store U+FFFD instead, PostgreSQL refuses it in jsonb). The problem names its JSON Pointer.
 */
export function checkJsonValues(value: unknown, pointer = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw ApiError.of(
        'NUMBER_OUT_OF_RANGE',
        `the number at ${pointer || 'the top level'} does not fit a 64-bit float`,
        { pointer },
      );
    }
  } else if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) {
      throw ApiError.of(
        'INVALID_UNICODE',
        `the text at ${pointer || 'the top level'} has an unpaired UTF-16 surrogate`,
        { pointer },
      );
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJsonValues(value[i], `${pointer}/${i}`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const at = `${pointer}/${escapePointer(k)}`;
      if (LONE_SURROGATE.test(k))
        throw ApiError.of('INVALID_UNICODE', `the key at ${at} has an unpaired UTF-16 surrogate`, {
          pointer: at,
        });
      checkJsonValues(v, at);
    }
  }
}
