/**
 * Concurrent writers for crash and shutdown tests: each client creates customers (unique emails,
 * a self-checking `tags` payload) and then patches its last record with a rising `company`
 * generation, recording every write the server acknowledged (2xx) and every request that ended
 * without an answer. After a restart, `verifyWrites` proves each acknowledged write is there and
 * that no stored record is half-written.
 */
import { expect } from 'vitest';

export interface Ack {
  id: number;
  email: string;
  /** Highest `company` generation acknowledged by a PATCH (0: none). */
  generation: number;
}

export interface LoadReport {
  acked: Map<string, Ack>;
  /** Emails of POSTs that ended without an answer (the server may or may not have stored them). */
  unanswered: string[];
  /** PATCHes that ended without an answer: the generation they tried to write. */
  unansweredPatches: { email: string; generation: number }[];
  /** Requests answered with something else than 2xx (status → count). */
  refused: Record<number, number>;
  errors: Record<string, number>;
  requests: number;
}

/** The record a client writes: `tags.check` lets a reader prove all fields come from one write. */
export const recordFor = (email: string, seq: number) => ({
  name: `Crash ${seq}`,
  email,
  tags: { seq, email, check: `${seq}:${email}`, pad: 'p'.repeat(seq % 200) },
});

export function newReport(): LoadReport {
  return { acked: new Map(), unanswered: [], unansweredPatches: [], refused: {}, errors: {}, requests: 0 };
}

/**
 * Runs `clients` writers against `url` until `stop()` says so or the server stops answering.
 * Unique emails come from `prefix`.
 */
export async function runWriters(
  url: string,
  clients: number,
  prefix: string,
  stop: () => boolean,
  report = newReport(),
): Promise<LoadReport> {
  const noteError = (e: unknown) => {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    report.errors[cause] = (report.errors[cause] ?? 0) + 1;
  };
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      let seq = 0;
      let last: Ack | undefined;
      let failures = 0;
      while (!stop() && failures < 3) {
        seq++;
        report.requests++;
        if (last && seq % 3 === 0) {
          const generation = last.generation + 1;
          try {
            const res = await fetch(`${url}/customers/${last.id}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/merge-patch+json' },
              body: JSON.stringify({ company: `gen-${generation}` }),
            });
            await res.arrayBuffer();
            if (res.status === 200) last.generation = generation;
            else report.refused[res.status] = (report.refused[res.status] ?? 0) + 1;
          } catch (e) {
            failures++;
            report.unansweredPatches.push({ email: last.email, generation });
            noteError(e);
          }
          continue;
        }
        const email = `${prefix}-${c}-${seq}@example.com`;
        try {
          const res = await fetch(`${url}/customers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(recordFor(email, seq)),
          });
          const body = (await res.json().catch(() => undefined)) as { id?: number } | undefined;
          if (res.status === 201 && body?.id) {
            last = { id: body.id, email, generation: 0 };
            report.acked.set(email, last);
          } else report.refused[res.status] = (report.refused[res.status] ?? 0) + 1;
        } catch (e) {
          failures++;
          report.unanswered.push(email);
          noteError(e);
        }
      }
    }),
  );
  return report;
}

interface Stored {
  id: number;
  name: string;
  email: string;
  company: string | null;
  tags: { seq: number; email: string; check: string; pad: string } | null;
}

/** Every customer, read through the API in pages of 1000 (keyset cursor via Link). */
export async function readAllCustomers(url: string): Promise<Stored[]> {
  const out: Stored[] = [];
  let next: string | undefined = `${url}/customers?limit=1000`;
  while (next) {
    const res = await fetch(next);
    expect(res.status).toBe(200);
    out.push(...((await res.json()) as Stored[]));
    const link = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '');
    next = link ? new URL(link[1], url).toString() : undefined;
  }
  return out;
}

/** After a restart: every acknowledged write is there; every record is whole. Returns counts. */
export async function verifyWrites(url: string, report: LoadReport, prefix: string) {
  const rows = await readAllCustomers(url);
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  let lost = 0;
  let stale = 0;
  for (const ack of report.acked.values()) {
    const row = byEmail.get(ack.email);
    if (!row || row.id !== ack.id) lost++;
    else if (ack.generation > 0 && Number(row.company?.slice(4) ?? 0) < ack.generation) stale++;
  }
  // Half-written: a record of this run whose fields do not all come from one write.
  const ours = rows.filter((r) => r.email.startsWith(`${prefix}-`));
  const torn = ours.filter(
    (r) =>
      !r.tags ||
      r.tags.email !== r.email ||
      r.tags.check !== `${r.tags.seq}:${r.email}` ||
      r.name !== `Crash ${r.tags.seq}` ||
      r.tags.pad.length !== r.tags.seq % 200,
  );
  // Requests that got no answer although the server did the work (for a crash: expected; for a graceful stop: dropped).
  const generationOf = (email: string) => Number(byEmail.get(email)?.company?.slice(4) ?? 0);
  const unansweredStored =
    report.unanswered.filter((e) => byEmail.has(e)).length +
    report.unansweredPatches.filter((p) => generationOf(p.email) >= p.generation).length;
  return {
    rows: rows.length,
    ours: ours.length,
    acked: report.acked.size,
    lost,
    stale,
    torn: torn.length,
    unansweredStored,
  };
}
