/**
 * The optional global rate limit (`rateLimit: { max, windowSeconds }`): a fixed window per client
 * address, counted in this instance's memory (cheap on every request; with N instances behind a
 * balancer a client gets up to N × max). Over the limit → 429 with Retry-After. Every response
 * carries RateLimit-Limit / -Remaining / -Reset (IETF httpapi ratelimit-headers draft).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { RateLimitSettings } from '../../model/auth-config.js';
import { inAmbient } from '../../write/ambient-transaction.js';

interface Window {
  count: number;
  resetAt: number;
}

export function registerRateLimit(app: FastifyInstance, settings: RateLimitSettings | undefined): void {
  if (!settings) return;
  const windowMs = settings.windowSeconds * 1000;
  const windows = new Map<string, Window>();
  let sweepAt = Date.now() + windowMs;
  app.addHook('onRequest', async (req, reply) => {
    // A batch's operations are parts of the one request already counted.
    if (inAmbient()) return;
    const now = Date.now();
    if (now >= sweepAt) {
      for (const [address, w] of windows) if (w.resetAt <= now) windows.delete(address);
      sweepAt = now + windowMs;
    }
    let w = windows.get(req.ip);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      windows.set(req.ip, w);
    }
    w.count++;
    const reset = String(Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
    reply.headers({
      'ratelimit-limit': String(settings.max),
      'ratelimit-remaining': String(Math.max(0, settings.max - w.count)),
      'ratelimit-reset': reset,
    });
    if (w.count > settings.max) {
      throw ApiError.of(
        'RATE_LIMITED',
        `more than ${settings.max} requests in ${settings.windowSeconds} s from this address`,
        {},
        { 'retry-after': reset },
      );
    }
  });
}
