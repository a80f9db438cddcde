/** RFC 7240 Prefer: return=minimal|representation, count=exact|estimated; unknown preferences ignored. */
export interface Preferences {
  return?: 'minimal' | 'representation';
  countExact: boolean;
  /** `count=estimated`: a total that never costs a full count (docs/query.md); exact wins when both are asked. */
  countEstimated: boolean;
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const out: Preferences = { countExact: false, countEstimated: false };
  if (!header) return out;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [token] = part.split(';');
    const [name, value] = token.split('=').map((s) => s.trim().toLowerCase().replace(/^"|"$/g, ''));
    if (name === 'return' && (value === 'minimal' || value === 'representation')) out.return ??= value;
    if (name === 'count' && value === 'exact') out.countExact = true;
    if (name === 'count' && value === 'estimated') out.countEstimated = true;
  }
  return out;
}

/** Which count a list sends in X-Total-Count: `?count=true` and `count=exact` are exact. */
export function countWanted(p: Preferences, countParameter: boolean): 'exact' | 'estimated' | undefined {
  if (p.countExact || countParameter) return 'exact';
  return p.countEstimated ? 'estimated' : undefined;
}
