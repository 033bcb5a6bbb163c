/** Levenshtein distance with adjacent transpositions (`gtp` → `gpt` is one edit). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/**
 * The known name closest to `name`, when it is close enough to be a typo of it: within a third of the
 * longer name's length (at least one edit), so `anthropic/claude-sonet-4-5` finds `anthropic/claude-sonnet-4-5`
 * but `openai/o3` does not find `google/gemini-2.5-pro`. Ties go to the earlier candidate.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const threshold = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= threshold && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}
