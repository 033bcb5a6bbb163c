import { editDistance } from "../../src/config/did-you-mean.ts";

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
