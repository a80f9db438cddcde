/** Accept header handling: which of our media types the client takes (docs/errors.md, 406). */

interface Range {
  type: string;
  q: number;
}

function ranges(accept: string): Range[] {
  return accept.split(',').map((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return { type: type.trim(), q: Number.isFinite(value) ? value : 0 };
  });
}

function qualityOf(rs: Range[], offer: string): number {
  const [major] = offer.split('/');
  let best = -1;
  let specificity = -1;
  for (const r of rs) {
    const s = r.type === offer ? 2 : r.type === `${major}/*` ? 1 : r.type === '*/*' ? 0 : -1;
    if (s > specificity) {
      specificity = s;
      best = r.q;
    }
  }
  return specificity < 0 ? 0 : best;
}

/** The best offer for an Accept header (no header = the first offer); undefined when none is acceptable. */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (!accept || accept.trim() === '') return offers[0];
  const rs = ranges(accept);
  let chosen: string | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const q = qualityOf(rs, offer);
    if (q > bestQ) {
      bestQ = q;
      chosen = offer;
    }
  }
  return chosen;
}

export const JSON_OFFERS = ['application/json', 'application/problem+json'] as const;

/** Errors go out as RFC 9457 when the client prefers problem+json over plain JSON. */
export function prefersProblemJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const rs = ranges(accept);
  const problem = qualityOf(rs, 'application/problem+json');
  return (
    problem > 0 &&
    rs.some((r) => r.type === 'application/problem+json') &&
    problem >= qualityOf(rs, 'application/json')
  );
}
