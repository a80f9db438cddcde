/**
 * HTTP without fetch's guard rails, for hostile-input tests: any method token, paths and header
 * values with raw latin1 bytes (invalid UTF-8), Buffer bodies; and `rawExchange` for bytes that no
 * HTTP client would send (a broken request line, a lying Content-Length).
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Res } from './http-harness.js';

export interface RawRequest {
  method: string;
  /** Path and query, sent as latin1 bytes (Node's client refuses only control characters and spaces). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A Res (as the http harness gives) plus the parsed body for any JSON media type. */
export function toRes(status: number, headers: Headers, text: string): Res {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/** Sends one request on `agent` (keep-alive by default) and reads the whole answer. */
export function send(baseUrl: string, r: RawRequest, agent?: Agent, timeoutMs = 30_000): Promise<Res> {
  const url = new URL(baseUrl);
  // Node's client frames a GET/HEAD/DELETE/OPTIONS body with no Content-Length: say it, or the body reads as the next request.
  const headers =
    r.body !== undefined ? { 'content-length': String(r.body.length), ...r.headers } : r.headers;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers,
        agent,
        insecureHTTPParser: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const one of Array.isArray(v) ? v : [v ?? '']) h.append(k, one);
          }
          resolve(toRes(res.statusCode ?? 0, h, Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * Writes `bytes` on a fresh connection and reads the first response (the socket is not half-closed
 * first: Node's server drops pending requests of a client that ends its side). `undefined` when the
 * server closed without answering or sent nothing within `timeoutMs`.
 */
export function rawExchange(baseUrl: string, bytes: Buffer, timeoutMs = 5000): Promise<Res | undefined> {
  const url = new URL(baseUrl);
  const head = bytes.subarray(0, 5).toString('latin1') === 'HEAD ';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseFirstResponse(Buffer.concat(chunks), head));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (c) => {
      chunks.push(c);
      if (parseFirstResponse(Buffer.concat(chunks), head, true)) finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? finish() : reject(e),
    );
    socket.on('close', finish);
    socket.on('connect', () => socket.write(bytes));
  });
}

/** The first HTTP/1.1 response in `raw` (Content-Length bodies only, as verbo sends); with `complete`, only once all of it arrived. */
export function parseFirstResponse(raw: Buffer, head = false, complete = false): Res | undefined {
  const text = raw.toString('latin1');
  // Interim answers (100 Continue) come first; the response is the first final one.
  const interim = /^HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/.exec(text);
  if (interim) return parseFirstResponse(raw.subarray(interim[0].length), head, complete);
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.') || end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Headers();
  for (const l of lines)
    headers.append(l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim());
  const length = head ? 0 : Number(headers.get('content-length') ?? 0);
  if (complete && raw.length < end + 4 + length) return undefined;
  const body = raw.subarray(end + 4, end + 4 + length).toString('utf8');
  return toRes(Number(statusLine.split(' ')[1]), headers, body);
}

export const keepAliveAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 8 });
