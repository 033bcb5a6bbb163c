import type { AuditLine } from "../../oracle/audit-schema.ts";
import { QuantileSketch } from "../stats/quantile-sketch.ts";
import type { TimeBuckets } from "../stats/time-buckets.ts";
import type { KeyedDurations, WaitingFindings } from "../triage-findings.ts";

/** The timeline series of waiting (delay_ms) per bucket. */
export const WAIT_SERIES = "wait";
/** The timeline series of failures per bucket. */
export const FAILURE_SERIES = "failures";

type Failure = Extract<AuditLine, { event: "fallback_failure" }>;

function keyed(map: ReadonlyMap<string, QuantileSketch>): KeyedDurations[] {
  return [...map.entries()]
    .map(([key, sketch]) => ({ key, stats: sketch.stats() }))
    .sort((a, b) => b.stats.totalMs - a.stats.totalMs || (a.key < b.key ? -1 : 1));
}

/**
 * Time spent waiting: every failure's `delay_ms` (the backoff or Retry-After wait before the next attempt),
 * in total, per model and per reason, and over time in the shared buckets. Failures with no wait (`null`)
 * are not waits and are not counted as zeros.
 */
export class WaitTally {
  readonly #total = new QuantileSketch();
  readonly #byModel = new Map<string, QuantileSketch>();
  readonly #byReason = new Map<string, QuantileSketch>();

  constructor(private readonly timeline: TimeBuckets) {}

  feed(failure: Failure, ms: number): void {
    this.timeline.addPoint(FAILURE_SERIES, ms, 1);
    if (failure.delay_ms === null) return;
    this.#total.add(failure.delay_ms);
    for (const [map, key] of [
      [this.#byModel, failure.model],
      [this.#byReason, failure.reason],
    ] as const) {
      let sketch = map.get(key);
      if (sketch === undefined) {
        sketch = new QuantileSketch();
        map.set(key, sketch);
      }
      sketch.add(failure.delay_ms);
    }
    this.timeline.addPoint(WAIT_SERIES, ms, failure.delay_ms);
  }

  finish(): WaitingFindings {
    return { total: this.#total.stats(), byModel: keyed(this.#byModel), byReason: keyed(this.#byReason) };
  }
}
