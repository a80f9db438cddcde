/** Helpers of the client tests: a fetch that records what it sends, a tiny scripted HTTP server. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { VerboError } from '../../src/client/index.js';
import { expectEnvelope } from '../support/http-harness.js';

export interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string | undefined;
  status?: number;
}

/** Wraps the global fetch and records every request and its status. */
export function recordingFetch(inner: typeof fetch = fetch) {
  const sent: Sent[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const entry: Sent = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    sent.push(entry);
    const res = await inner(input, init);
    entry.status = res.status;
    return res;
  };
  return { fetch: wrapped, sent };
}

/** Awaits a rejection and returns it as a VerboError (fails the test otherwise). */
export async function caught(p: Promise<unknown>): Promise<VerboError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VerboError);
    return e as VerboError;
  }
  throw new Error('expected a VerboError, the call succeeded');
}

/** The docs/errors.md checks of the harness, applied to what the client carried in its error. */
export function expectClientError(e: VerboError, status: number, code?: string): void {
  expect(e.headers).toBeDefined();
  expectEnvelope(
    { status: e.status, headers: e.headers!, text: JSON.stringify(e.errors), json: e.errors },
    status,
    code,
  );
  expect(e.traceId).toBe(e.headers!.get('x-trace-id'));
  expect(e.code).toBe(e.errors[0].code);
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface StubServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A node:http server answering with `handler`; records every request. */
export async function stubServer(handler: Handler): Promise<StubServer> {
  const requests: StubServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let traces = 0;
/** Sends a error envelope (docs/errors.md) like verbo does. */
export function sendEnvelope(
  res: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): void {
  const traceId = `trace-${++traces}`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-trace-id': traceId,
    ...headers,
  });
  res.end(
    JSON.stringify([
      { code, status, internalMessage: `stub ${code}`, userMessage: 'Try again later.', traceId },
    ]),
  );
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-trace-id': 'ok',
    ...headers,
  });
  res.end(JSON.stringify(body));
}
