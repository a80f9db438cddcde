/** RFC 7240 Prefer: return=minimal|representation, count=exact; unknown preferences ignored. */
export interface Preferences {
  return?: 'minimal' | 'representation';
  countExact: boolean;
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const out: Preferences = { countExact: false };
  if (!header) return out;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [token] = part.split(';');
    const [name, value] = token.split('=').map((s) => s.trim().toLowerCase().replace(/^"|"$/g, ''));
    if (name === 'return' && (value === 'minimal' || value === 'representation')) out.return ??= value;
    if (name === 'count' && value === 'exact') out.countExact = true;
  }
  return out;
}
