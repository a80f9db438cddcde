/**
 * One HTTP attempt at a webhook target: POST with a timeout, the response time measured, and the
 * address actually connected to checked when private targets are refused — the DNS answer is
 * checked at connection time, so a name that resolves elsewhere later (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isPrivateAddress } from '../../model/webhooks-config.js';

export interface AttemptResult {
  /** The HTTP status, when a response arrived. */
  status?: number;
  /** Why there was no (successful) response: refused target, timeout, connection error. */
  error?: string;
  responseMs: number;
}

export class PrivateTargetRefused extends Error {}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` that refuses private and loopback answers (http.request calls it for every connection). */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const refused = list.find((a) => isPrivateAddress(a.address));
    if (refused)
      return callback(
        new PrivateTargetRefused(
          `${hostname} resolves to ${refused.address}, a private or loopback address: refused unless allowPrivateTargets: true`,
        ),
        [],
      );
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<AttemptResult, 'responseMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, responseMs: elapsed() });
    };
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && (/(^|\.)localhost$/i.test(host) || isPrivateAddress(host)))
      return done({
        error: `${host} is a private or loopback address: refused unless allowPrivateTargets: true`,
      });
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'verbo-webhooks',
        },
        agent: false,
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
      },
      (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode }));
        res.on('error', (e) => done({ status: res.statusCode, error: e.message }));
      },
    );
    const timer = setTimeout(() => {
      done({ error: `no response within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (e) => done({ error: e.message }));
    req.end(body);
  });
}
