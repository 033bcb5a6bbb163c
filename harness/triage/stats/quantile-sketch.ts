import { percentile } from "../../bench/percentile.ts";
import type { DurationStats } from "../triage-findings.ts";

/** Samples kept exactly; past this the sketch switches to log-spaced buckets. */
const EXACT_CAP = 4096;
/** Bucket ratio: each bucket spans [γ^i, γ^(i+1)), so a value is reported within ±1 % of itself. */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);

/**
 * Sum, max and percentiles of non-negative durations in constant memory: exact (Hyndman–Fan type 7, as the
 * bench reports) up to {@link EXACT_CAP} samples, then a log-bucketed histogram whose percentiles are within
 * 1 % of the exact ones — a million waits need a few hundred buckets, not a million numbers.
 */
export class QuantileSketch {
  #exact: number[] | null = [];
  readonly #buckets = new Map<number, number>();
  #zeros = 0;
  #count = 0;
  #total = 0;
  #max = 0;

  add(value: number): void {
    const v = Math.max(0, value);
    this.#count += 1;
    this.#total += v;
    this.#max = Math.max(this.#max, v);
    if (this.#exact !== null) {
      this.#exact.push(v);
      if (this.#exact.length > EXACT_CAP) {
        for (const sample of this.#exact) this.#bucket(sample);
        this.#exact = null;
      }
      return;
    }
    this.#bucket(v);
  }

  #bucket(v: number): void {
    if (v === 0) {
      this.#zeros += 1;
      return;
    }
    const index = Math.floor(Math.log(v) / LOG_GAMMA);
    this.#buckets.set(index, (this.#buckets.get(index) ?? 0) + 1);
  }

  get count(): number {
    return this.#count;
  }

  /** The p-th percentile (0–100) in whole milliseconds; null without samples. */
  quantile(p: number): number | null {
    if (this.#count === 0) return null;
    if (this.#exact !== null)
      return Math.round(
        percentile(
          [...this.#exact].sort((a, b) => a - b),
          p,
        ),
      );
    const rank = Math.floor((p / 100) * (this.#count - 1));
    if (rank < this.#zeros) return 0;
    let seen = this.#zeros;
    for (const index of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      seen += this.#buckets.get(index) ?? 0;
      // The bucket's geometric middle, so the error is symmetric; never past the largest value seen.
      if (rank < seen) return Math.min(this.#max, Math.round(GAMMA ** index * Math.sqrt(GAMMA)));
    }
    return this.#max;
  }

  stats(): DurationStats {
    return {
      count: this.#count,
      totalMs: this.#total,
      p50Ms: this.quantile(50),
      p95Ms: this.quantile(95),
      maxMs: this.#count === 0 ? null : this.#max,
    };
  }
}
