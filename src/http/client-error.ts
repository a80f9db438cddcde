/**
 * Errors Node's HTTP parser raises before Fastify sees a request (unknown method, headers too
 * large, malformed request line): answered with the same envelope, written straight to the socket.
 * The parser failed before the headers were read, so X-Request-Id / traceparent, Accept-Language and
 * Accept cannot be honoured here: a fresh trace id, English, the JSON array.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/error-catalogue.js';
import { statusTitle } from '../errors/status-titles.js';

/** Node's parser error codes that have their own answer; every other parse error is a 400. */
const KNOWN: Record<string, ErrorCode> = {
  HPE_INVALID_METHOD: 'NOT_IMPLEMENTED',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
};
/** Past Node's 16 KiB head limit, a request line longer than this is the URL's fault: 414, not 431 (docs/limits.md). */
const LONG_REQUEST_LINE = 8192;

/** CONNECT (a tunnel request) never reaches Fastify: Node emits 'connect'. verbo does not tunnel → 501, as for any unknown method (docs/http-semantics.md). */
export function refuseConnect(_req: unknown, socket: Socket): void {
  handleClientError(
    Object.assign(new Error('CONNECT is not implemented by this server'), { code: 'HPE_INVALID_METHOD' }),
    socket,
  );
}

/**
 * Whether the failing request is a HEAD. The packet may begin with the tail of the previous
 * request's body on a keep-alive connection (glued to this request line): the last request line counts.
 */
function isHeadRequest(packet: Buffer | undefined): boolean {
  if (!packet) return false;
  const text = packet.toString('latin1');
  let last = -1;
  for (const m of text.matchAll(/ \S+ HTTP\/\d\.\d\r?\n/g)) last = m.index;
  return last >= 4 ? text.slice(last - 4, last) === 'HEAD' : text.startsWith('HEAD ');
}

export function handleClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (!socket.writable) return;
  const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined;
  const lineEnd = packet ? packet.indexOf('\r\n') : -1;
  const longLine =
    err.code === 'HPE_HEADER_OVERFLOW' &&
    packet !== undefined &&
    (lineEnd < 0 ? packet.length : lineEnd) > LONG_REQUEST_LINE;
  const code: ErrorCode = longLine ? 'URI_TOO_LONG' : (err.code && KNOWN[err.code]) || 'BAD_REQUEST';
  const known = { code, status: ERROR_CATALOGUE[code].status, message: ERROR_CATALOGUE[code].en };
  // A response to HEAD has no body (its Content-Length still tells the size); a body would break the client's parser.
  const head = isHeadRequest(packet);
  const traceId = randomBytes(16).toString('hex');
  const body = JSON.stringify([
    {
      code: known.code,
      status: known.status,
      // A 5xx names no parser internals, in production or not (docs/errors.md): the method is simply not implemented.
      internalMessage:
        known.status >= 500
          ? 'the request method is not implemented by this server'
          : `${err.code ?? 'parse error'}: ${err.message}`,
      userMessage: known.message,
      traceId,
    },
  ]);
  socket.end(
    `HTTP/1.1 ${known.status} ${statusTitle(known.status)}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Trace-Id: ${traceId}\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n` +
      `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\nConnection: close\r\n\r\n${head ? '' : body}`,
  );
}
