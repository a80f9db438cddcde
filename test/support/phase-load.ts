/**
 * Mixed load (reads and creates) from several clients for a fixed time, every answer kept with the
 * moment it was sent: storage-fault tests cut the storage mid-run and then judge each phase.
 */
import { expect } from 'vitest';
import { expectEnvelope, type Res } from './http-harness.js';
import { toRes } from './raw-http.js';

export interface Sample {
  at: number;
  ms: number;
  method: string;
  res?: Res;
  error?: string;
  email?: string;
}

export async function phaseLoad(
  url: string,
  options: { clients: number; durationMs: number; prefix: string; readPath: string },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const start = Date.now();
  await Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      for (let i = 0; Date.now() - start < options.durationMs; i++) {
        const write = i % 2 === 0;
        const email = `${options.prefix}-${c}-${i}@example.com`;
        const at = Date.now() - start;
        const sample: Sample = {
          at,
          ms: 0,
          method: write ? 'POST' : 'GET',
          email: write ? email : undefined,
        };
        try {
          const r = write
            ? await fetch(`${url}/customers`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ name: 'Load', email }),
                signal: AbortSignal.timeout(10_000),
              })
            : await fetch(`${url}${options.readPath}`, { signal: AbortSignal.timeout(10_000) });
          sample.res = toRes(r.status, r.headers, await r.text());
        } catch (e) {
          sample.error = (e as Error).message;
        }
        sample.ms = Date.now() - start - at;
        samples.push(sample);
        await new Promise((r) => setTimeout(r, 5));
      }
    }),
  );
  return samples;
}

/** Each answer is a success or the given shaped error with Retry-After; nothing hangs past `maxMs`. */
export function expectSuccessOr(samples: Sample[], status: number, code: string, maxMs: number): void {
  for (const s of samples) {
    expect(s.error, `${s.method} at ${s.at} ms: ${s.error}`).toBeUndefined();
    expect(s.ms, `${s.method} at ${s.at} ms took ${s.ms} ms`).toBeLessThan(maxMs);
    if (s.res!.status < 300) continue;
    expectEnvelope(s.res!, status, code);
    expect(s.res!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  }
}

export const tally = (samples: Sample[]): string => {
  const counts: Record<string, number> = {};
  for (const s of samples) {
    const k = s.error ? 'error' : String(s.res!.status);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.entries(counts)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
};
