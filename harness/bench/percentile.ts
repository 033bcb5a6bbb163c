/** A latency distribution reduced to the numbers the report prints, in milliseconds. */
export interface LatencySummary {
  readonly n: number;
  readonly mean: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The `p`-th percentile (0–100) of ascending `sorted` samples, linearly interpolated between the two
 * nearest ranks (Hyndman–Fan type 7, what numpy and spreadsheets use), so p50 of an even-sized set is the
 * midpoint of the middle two. tinybench 6 has no p95, hence our own.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0)
    throw new RangeError("Failed to compute a percentile: there are no samples. Run at least one iteration.");
  if (!(p >= 0 && p <= 100))
    throw new RangeError(
      `Failed to compute a percentile: p=${p} is outside 0..100. Pass a percentage such as 95.`,
    );
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** Sorts a copy of `samples` and summarises it; the input is left as it was. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  let total = 0;
  for (const s of sorted) total += s;
  return {
    n: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: sorted.length === 0 ? Number.NaN : percentile(sorted, 50),
    p95: sorted.length === 0 ? Number.NaN : percentile(sorted, 95),
    p99: sorted.length === 0 ? Number.NaN : percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
