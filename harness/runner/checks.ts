/**
 * One check of a scenario run, named with the evidence it rests on and the tier it belongs to (SPEC
 * §10.2–§10.3). A check whose evidence the engine does not give is `not-checked` with the reason, never a
 * failure: an engine that writes no audit is not an engine that behaved badly.
 */

/** What every engine owes its caller (`safety`), or this spec's policy (`conformance`). */
export type Tier = "safety" | "conformance";

/** Where a check's facts come from. */
export type Evidence =
  /** What `run` resolved or rejected. */
  | "result"
  /** The deltas a streaming caller saw. */
  | "stream"
  /** The fleet's own record of what it was asked and what it injected (ground truth). */
  | "fleet"
  /** The engine's SPEC §8 audit lines. */
  | "audit";

export type CheckOutcome =
  | { readonly kind: "pass" }
  | { readonly kind: "fail"; readonly message: string }
  | { readonly kind: "not-checked"; readonly reason: string };

/** One named check and what came of it. */
export interface Check {
  /** Stable id, e.g. `safety.served-model` or `expect.requests[0].attempts`. */
  readonly id: string;
  readonly tier: Tier;
  readonly evidence: readonly Evidence[];
  readonly outcome: CheckOutcome;
}

/** A tier's verdict: PARTIAL when nothing failed but some check could not be made. */
export type TierVerdict = "pass" | "fail" | "partial";

export const passed = (id: string, tier: Tier, evidence: readonly Evidence[]): Check => ({
  id,
  tier,
  evidence,
  outcome: { kind: "pass" },
});

export const failed = (id: string, tier: Tier, evidence: readonly Evidence[], message: string): Check => ({
  id,
  tier,
  evidence,
  outcome: { kind: "fail", message },
});

export const notChecked = (id: string, tier: Tier, evidence: readonly Evidence[], reason: string): Check => ({
  id,
  tier,
  evidence,
  outcome: { kind: "not-checked", reason },
});

/** The verdict of one tier over a set of checks. */
export function tierVerdict(checks: readonly Check[], tier: Tier): TierVerdict {
  const mine = checks.filter((c) => c.tier === tier);
  if (mine.some((c) => c.outcome.kind === "fail")) return "fail";
  return mine.some((c) => c.outcome.kind === "not-checked") ? "partial" : "pass";
}
