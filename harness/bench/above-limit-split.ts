import type { FailoverBaseline } from "./bench-report.ts";

/**
 * Where the reference's time above the physical limit goes in one failover cell (issue 15 §1), ms: p50
 * differences of tasks timed side by side in the same rounds, each step taking one part away:
 * - *caller port*: the caller pair minus the limit (0 when that pair is the limit);
 * - *classification*: the caller pair with one classification of the primary's error, minus the caller pair;
 * - *walk, timers*: the reference with neither audit nor breakers, minus that classified pair;
 * - *breakers*: the reference without audit, minus the same without breakers;
 * - *audit*: the reference minus the same without audit.
 * The five add up to the reference minus the limit. A part may come out slightly negative: noise, shown as
 * measured.
 */
export interface AboveLimitSplit {
  readonly total: number;
  readonly callerPort: number;
  readonly classification: number;
  /** One classification of the same error in a warm loop: the floor the in-request cost sits above. */
  readonly classificationWarm: number;
  readonly walkAndTimers: number;
  readonly breakers: number;
  readonly audit: number;
}

/** The split of one cell, given the reference's median latency in it (ms). */
export function splitAboveLimit(baseline: FailoverBaseline, referenceP50: number): AboveLimitSplit {
  const b = baseline;
  return {
    total: referenceP50 - b.limit.p50,
    callerPort: b.callerPair.p50 - b.limit.p50,
    classification: b.callerPairClassified.p50 - b.callerPair.p50,
    classificationWarm: b.classifyUs / 1000,
    walkAndTimers: b.referenceBreakersOff.p50 - b.callerPairClassified.p50,
    breakers: b.referenceAuditOff.p50 - b.referenceBreakersOff.p50,
    audit: referenceP50 - b.referenceAuditOff.p50,
  };
}
