import type { RuleId } from "../check/rules.ts";

/** One planted defect: the buggy engine, the scenario that exposes it, and how the gate must name it. */
export interface PlantedDefect {
  /** The variant's file name in `engines/` (without `.ts`). */
  readonly engine: string;
  /** The scenario's file name in `scenarios/` (without `.yaml`). */
  readonly scenario: string;
  /** What is wrong, in a few words. */
  readonly defect: string;
  /** Substrings the scenario's failure reasons must hold: a `[rule-id]` or an `expect.…` path. */
  readonly reasons: readonly string[];
  /** Checker rules the report's violation counts must include beyond the first one shown in the reasons. */
  readonly rules?: readonly RuleId[];
  /** Built on the hand-written mini engine (`kit/mini-engine.ts`), so its scenario must pass `mini-control`. */
  readonly mini?: true;
}

/** Every planted defect engine (issue 5, "Planted defects"); each must fail the gate with its reasons. */
export const PLANTED_DEFECTS: readonly PlantedDefect[] = [
  {
    engine: "breaker-off-by-one",
    scenario: "breaker-off-by-one",
    defect: "opens at failure_threshold + 1",
    reasons: ["[breaker-transition-missing]", "expect.breaker[0]"],
    rules: ["attempt-on-open-circuit"],
  },
  {
    engine: "retries-on-auth",
    scenario: "retries-on-auth",
    defect: "retries a 401",
    reasons: ["[action-mismatch]: action retry for auth"],
  },
  {
    engine: "ignores-retry-after",
    scenario: "ignores-retry-after",
    defect: "waits its backoff, not Retry-After",
    reasons: ["[retry-after-ignored]", "expect.no_hammer[0]"],
    mini: true,
  },
  {
    engine: "ignores-http-date-retry-after",
    scenario: "ignores-http-date-retry-after",
    defect: "reads Retry-After as seconds only, drops an HTTP date",
    reasons: ["ground truth [truth-retry-after-mismatch]", "expect.no_hammer[0]"],
  },
  {
    engine: "waits-past-cap",
    scenario: "waits-past-cap",
    defect: "waits for a Retry-After above the cap",
    reasons: ["[retry-after-over-cap]", "expect.requests[0].max_elapsed"],
  },
  {
    engine: "truncated-success",
    scenario: "truncated-success",
    defect: "a stream that just ends is a success",
    reasons: ["expect.requests[0].text", "expect.requests[0].served_by"],
  },
  {
    engine: "duplicated-text",
    scenario: "duplicated-text",
    defect: "drops the reset delta after a restart",
    reasons: ["expect.requests[0].text: request #0: the streamed output the caller shows differs"],
  },
  {
    engine: "wrong-served-model",
    scenario: "wrong-served-model",
    defect: "reports the chain head as the served model",
    reasons: ["expect.requests[0].served_by"],
  },
  {
    engine: "interleaved-half-lines",
    scenario: "interleaved-half-lines",
    defect: "writes each audit line in two appends",
    reasons: ["[line-not-json]", "[fleet-request-unaudited]"],
  },
  {
    engine: "missing-retry-line",
    scenario: "missing-retry-line",
    defect: "no fallback_failure line for a retry",
    reasons: ["[attempt-unanswered]", "expect.audit.present[0]"],
  },
  {
    engine: "never-half-opens",
    scenario: "never-half-opens",
    defect: "an open circuit never half-opens",
    reasons: ["[breaker-transition-fields]", "expect.return_to_primary"],
    rules: ["skip-unexpected"],
  },
  {
    engine: "two-probes-in-half-open",
    scenario: "two-probes-in-half-open",
    defect: "half_open_probes + 1 probes",
    reasons: ["[half-open-probes-exceeded]", "expect.calls[0]"],
  },
  {
    engine: "wrong-chain-order",
    scenario: "wrong-chain-order",
    defect: "walks the chain last-first",
    reasons: ["[chain-mismatch]", "expect.requests[0].served_by"],
  },
  {
    engine: "retries-on-logic-error",
    scenario: "retries-on-logic-error",
    defect: "retries a 400 invalid request",
    reasons: ["[action-mismatch]: action retry for invalid_request"],
  },
  {
    engine: "resets-retry-count",
    scenario: "resets-retry-count",
    defect: "the retry count restarts on every attempt",
    reasons: ["[action-mismatch]: action retry for unavailable at model_attempt 2", "expect.calls[0]"],
    mini: true,
  },
  {
    engine: "retry-budget-per-request",
    scenario: "retry-budget-per-request",
    defect: "one retry budget for the whole request (not reset on fallback)",
    reasons: [
      "[action-mismatch]: action fallback for unavailable at model_attempt 1",
      "expect.requests[0].outcome",
    ],
    mini: true,
  },
  {
    engine: "context-length-trips-breaker",
    scenario: "context-length-trips-breaker",
    defect: "counts ContextLength against the breaker",
    reasons: ["[breaker-transition-unexpected]", "expect.audit.absent[0]"],
    rules: ["skip-unexpected"],
    mini: true,
  },
  {
    engine: "hammers-without-backoff",
    scenario: "hammers-without-backoff",
    defect: "logs a backoff but never sleeps it",
    reasons: ["[wait-too-short]", "expect.no_hammer[0]"],
    mini: true,
  },
  {
    engine: "drops-fallback-exhausted",
    scenario: "drops-fallback-exhausted",
    defect: "no fallback_exhausted line",
    reasons: ["[request-unterminated]", "expect.requests[0].exhausted_reason"],
  },
  {
    engine: "promotes-forever",
    scenario: "promotes-forever",
    defect: "ignores sticky_ms",
    reasons: ["expect.requests[2].served_by"],
  },
  {
    engine: "ignores-deadline",
    scenario: "ignores-deadline",
    defect: "never applies deadline_ms",
    reasons: ["[action-mismatch]", "expect.requests[0].exhausted_reason"],
    rules: ["wait-past-deadline", "deadline-exceeded"],
  },
  {
    engine: "ignores-success-threshold",
    scenario: "ignores-success-threshold",
    defect: "closes after one probe success whatever success_threshold says",
    reasons: ["[breaker-transition-unexpected]", "expect.breaker[0]"],
  },
];
