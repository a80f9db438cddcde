/** A local webhook target for tests: records every request and answers with the status `respond` picks. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed webhook bodies are inspected freely
  json: any;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  respond: (r: Received) => number;
  /** Resolves once `test` holds for the requests received (polls; fails after `ms`). */
  until(test: (rs: Received[]) => boolean, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const self = { respond: (_r: Received) => 200 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { headers: req.headers, body, json: JSON.parse(body || 'null') };
      received.push(r);
      res.statusCode = self.respond(r);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return Object.assign(self, {
    url: `http://127.0.0.1:${actual}/hook`,
    port: actual,
    received,
    async until(test: (rs: Received[]) => boolean, ms = 20_000) {
      const end = Date.now() + ms;
      while (!test(received)) {
        if (Date.now() > end)
          throw new Error(`receiver: condition not met in ${ms} ms; got ${received.length} requests`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Verifies a Standard Webhooks signature as a receiver would (whsec_ secrets are base64 after the prefix). */
export function verifySignature(r: Received, secret: string): boolean {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const got = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
    });
}
