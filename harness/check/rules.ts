/**
 * Every invariant the audit checker enforces (SPEC §8), as data: a stable kebab-case id and what it means.
 * Reports and the parity matrix name violations by these ids, so an id never changes meaning.
 */
export const RULES = {
  "line-not-json": "a line (other than a partial last one) is not a JSON value",
  "line-too-long": "a line is longer than the reader's bound (1 MiB by default) and was skipped unread",
  "unknown-event": "the event is not one of SPEC §8",
  "field-missing": "a field of the event's row is omitted (it must be null when it does not apply)",
  "field-unknown": "a field SPEC §8 does not define and that does not start with x_",
  "field-invalid": "a field has the wrong type or value",
  "version-unsupported": "v is not 1",
  "ts-format": "ts is not ISO-8601 UTC with milliseconds",
  "seq-gap": "seq does not run 1, 2, 3 … without gaps",
  "ts-decreasing": "ts goes backwards",
  "secret-in-log": "a line holds something that looks like a credential",

  "request-not-started": "a line of a request before its fallback_request",
  "request-duplicate": "a second fallback_request for the same request id",
  "terminal-not-last": "a line of a request after its terminal event",
  "request-unterminated": "a request with no terminal event at the end of a complete log",
  "attempt-unanswered": "an attempt not answered by a success or failure before the request's next step",
  "outcome-without-attempt": "a success or failure with no attempt waiting for it",
  "outcome-mismatch": "an outcome whose model, attempt or model_attempt differs from its attempt",
  "attempt-number": "attempt numbers do not run 1..n within the request",
  "model-attempt-number": "model_attempt does not start at 1 on a model and rise by one per attempt on it",
  "chain-invalid": "the request's chain has duplicates or lacks its primary",
  "chain-mismatch": "the request's chain differs from SPEC §5 resolution of the config (and live promotions)",
  "model-not-in-chain": "an attempt or skip names a model outside the request's chain",
  "chain-order": "a model is tried after a later one, or again after the walk left it",
  "model-passed-silently":
    "the walk passed a chain model with neither an attempt nor a fallback_model_skipped line",
  "action-not-followed": "the request's next step contradicts the failure's action",

  "error-type-mismatch": "error_type is not the type of the reason (SPEC §3)",
  "action-mismatch": "the action is not the one SPEC §3–§4 give for the reason, retries left and deadline",
  "compact-repeated": "a second compact in one request",
  "delay-mismatch": "delay_ms is null for a retry, or set for another action",
  "backoff-out-of-bounds": "a retry's delay_ms is outside max(backoff_n ± jitter, retry_after_ms)",
  "retry-after-ignored": "a retry waits less than the provider's Retry-After",
  "retry-after-over-cap":
    "a retry for a Retry-After above retry_after_cap_ms (it must become quota_exhausted)",
  "wait-past-deadline": "a retry's wait ends after the request's deadline",
  "wait-too-short": "the next attempt came before the announced delay elapsed",

  "breaker-transition-unexpected": "a circuit_transition the oracle's breaker does not make at that point",
  "breaker-transition-missing": "a transition the oracle's breaker makes that the log does not show",
  "breaker-transition-fields": "a transition's failures, cooldown_until or cause differ from the oracle's",
  "attempt-on-open-circuit": "an attempt on a model whose circuit the oracle holds open",
  "half-open-probes-exceeded": "more half-open probes in flight than half_open_probes",
  "skip-unexpected": "a model skipped although the oracle would have let it be tried",
  "all-open-policy": "the request did not follow on_all_open after every model was skipped",

  "attempts-over-bound": "more attempts than len(chain)·(1+max_retries)+1 (SPEC §6)",
  "deadline-exceeded": "the request lasted longer than deadline_ms",
  "exhausted-attempts-mismatch": "fallback_exhausted.attempts differs from the attempts logged",
  "exhausted-reason-mismatch":
    "fallback_exhausted's reason or error_type does not match how the request ended",
  "exhausted-early": "the request gave up while chain models were left untried",
  "success-flag-mismatch": "fallback_success.fallback differs from (model ≠ chain[0])",
  "promotion-misplaced":
    "fallback_promoted not right before a fallback_success with fallback: true, or not allowed",

  "fleet-attempt-unserved": "an audited attempt with no request in the fleet's log behind it",
  "fleet-request-unaudited": "a request the fleet served that the audit never mentions",

  // Ground truth (SPEC §10.2): the audit judged against what the fleet really sent, not the engine's word.
  "truth-reason-mismatch": "a failure's reason differs from the one the fleet injected for that call",
  "truth-status-mismatch": "a failure's status differs from the HTTP status the fleet sent for that call",
  "truth-retry-after-mismatch":
    "a failure's retry_after_ms differs from the Retry-After the fleet sent (first usable form, SPEC §3 order)",
  "fleet-key-in-log": "a line holds one of the fleet's API keys",
  "prompt-in-log": "a line holds the prompt text of a request",
  "request-unaudited": "a request the harness sent has no fallback_request in an audit-writing engine's log",
  "request-terminal-count": "a request has no terminal line, or more than one",
} as const satisfies Record<string, string>;

/** A rule id. */
export type RuleId = keyof typeof RULES;

/** Every rule id, in the order above. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
