/** Per-request facts derived from headers once: trace id and language. */
import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Language } from '../../errors/api-error.js';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** W3C traceparent's trace id, else a sane X-Request-Id, else 32 random hex digits. */
export function traceIdFrom(headers: IncomingHttpHeaders): string {
  const tp = headers.traceparent;
  if (typeof tp === 'string') {
    const m = TRACEPARENT.exec(tp.trim());
    if (m && m[1] !== '0'.repeat(32)) return m[1];
  }
  const rid = headers['x-request-id'];
  if (typeof rid === 'string' && REQUEST_ID.test(rid)) return rid;
  return randomTraceId();
}

/** Random bytes fetched 4 KiB at a time: one call into the CSPRNG per 256 ids instead of one per request. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomTraceId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.toString('hex', poolOffset - 16, poolOffset);
}

/** Picks es or en from Accept-Language by q-value; `fallback` when it names neither. */
export function languageFrom(header: string | undefined, fallback: Language): Language {
  if (!header) return fallback;
  let best: Language | undefined;
  let bestQ = 0;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    const primary = tag.split('-')[0];
    if ((primary === 'es' || primary === 'en') && q > bestQ) {
      best = primary;
      bestQ = q;
    }
  }
  return best ?? fallback;
}
