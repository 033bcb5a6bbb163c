/**
 * Keys are compared without case, `_` or `-`, so `maxRetries`, `max-retries` and `MAX_RETRIES` all land on
 * `max_retries` at distance 0 and the edit distance only measures real typos.
 */
function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, "");
}

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`lenght` → `length` is 1). */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between a[0, i) and b[0, j); three rows suffice for the transposition step.
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo.
 *
 * A candidate qualifies within 40 % of the longer normalised word (at least 1 edit): `max_retry` →
 * `max_retries` and `cooldown` → `cooldown_ms` (both 2 edits) qualify, `foo` → `factor` does not. Ties go to
 * the earlier candidate, so callers list keys in the order a user would read them.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const target = normalise(word);
  let best: { readonly candidate: string; readonly distance: number } | undefined;
  for (const candidate of candidates) {
    const other = normalise(candidate);
    const distance = editDistance(target, other);
    const threshold = Math.max(1, Math.floor(Math.max(target.length, other.length) * 0.4));
    if (distance <= threshold && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}
