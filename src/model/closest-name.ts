/** "did you mean": the nearest known name to a mistyped one, by edit distance. */

/**
 * Levenshtein distance with adjacent transpositions (optimal string alignment): the edits — insert,
 * delete, substitute or swap two neighbouring characters — that turn `a` into `b`; case-insensitive,
 * so `maxlength` is one step from nothing but `maxLength`, and `feilds` one from `fields`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** The candidate nearest to `input`, when near enough to be a typo (about one edit per three letters). */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(input.length / 3));
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean "x"?` for a near candidate, else ''. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const near = closestName(input, candidates);
  return near === undefined ? '' : ` Did you mean "${near}"?`;
}
