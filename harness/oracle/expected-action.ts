import type { OracleSettings as FallbackSettings } from "./config-types.ts";
import { rowOf, type OracleAction, type OracleReason } from "./action-table.ts";
import { oraclePolicyFor, retryDelayBounds, type DelayBounds } from "./backoff-bounds.ts";

/** What the oracle knows about a failure when it judges its action. */
export interface FailureFacts {
  readonly reason: OracleReason;
  readonly settings: FallbackSettings;
  /** The failed attempt's `model_attempt`. */
  readonly modelAttempt: number;
  /** Attempts on this model that followed a compaction (they do not use up a retry, docs/decisions.md). */
  readonly compactionRetries: number;
  /** Whether this request has compacted already. */
  readonly compacted: boolean;
  readonly retryAfterMs: number | null;
  /** Milliseconds from the request's first line to this failure. */
  readonly elapsedMs: number;
}

/** The actions SPEC §3–§4 allow for one failure, and why. */
export interface ActionJudgement {
  readonly allowed: readonly OracleAction[];
  /** The class's action after `fallback.actions` overrides. */
  readonly configured: OracleAction;
  /** 1-based retry number when the configured action is `retry`. */
  readonly retryNumber: number | null;
  /** The legal waits for a retry. */
  readonly bounds: DelayBounds | null;
  /** `fail` is allowed only because the deadline cut the attempt: the request must end with reason `deadline`. */
  readonly deadlineCut: boolean;
  /** `fallback` is allowed only because a retry's wait could pass the deadline: the request is deadline-limited. */
  readonly deadlineFallback: boolean;
  /** One phrase saying what was expected and why. */
  readonly why: string;
}

function judged(
  allowed: readonly OracleAction[],
  configured: OracleAction,
  why: string,
  extra: Partial<ActionJudgement> = {},
): ActionJudgement {
  return {
    allowed,
    configured,
    retryNumber: null,
    bounds: null,
    deadlineCut: false,
    deadlineFallback: false,
    why,
    ...extra,
  };
}

function withExtra(base: ActionJudgement, facts: FailureFacts): ActionJudgement {
  const allowed = new Set(base.allowed);
  let { deadlineCut, why } = base;
  // docs/decisions.md: an attempt cut by the deadline is written as timeout with action fail.
  if (facts.reason === "timeout" && facts.elapsedMs >= facts.settings.deadline_ms && !allowed.has("fail")) {
    allowed.add("fail");
    deadlineCut = true;
  }
  // SPEC §6: under mid_stream fail a failure after the first token ends the request; the log does not say
  // whether a token had arrived, so `fail` is always allowed then.
  if (facts.settings.mid_stream === "fail" && !allowed.has("fail")) {
    allowed.add("fail");
    why = `${why} (or fail, under mid_stream: fail)`;
  }
  return { ...base, allowed: [...allowed], deadlineCut, why };
}

/**
 * SPEC §3–§4 and docs/decisions.md: the actions a failure may carry. `fallback.enabled: false` and a
 * caller's abort always fail; otherwise the class's configured action, with `retry` only while
 * `model_attempt − compaction retries ≤ max_retries` and downgraded to `fallback` when the wait could pass
 * the deadline, and `compact` only once per request (or `fallback` without a compaction hook).
 */
export function judgeAction(facts: FailureFacts): ActionJudgement {
  const { settings, reason } = facts;
  if (!settings.enabled)
    return judged(["fail"], "fail", "fail (fallback.enabled is false: one attempt, error surfaced)");
  if (reason === "aborted") return judged(["fail"], "fail", "fail (the caller aborted)");
  const row = rowOf(reason);
  const configured = settings.actions[row.type] ?? row.action;
  const source =
    settings.actions[row.type] === undefined ? `the default for ${reason}` : `fallback.actions.${row.type}`;
  switch (configured) {
    case "fail":
      return withExtra(judged(["fail"], configured, `fail (${source})`), facts);
    case "fallback":
      return withExtra(judged(["fallback"], configured, `fallback (${source})`), facts);
    case "compact":
      return withExtra(
        facts.compacted
          ? judged(["fallback"], configured, "fallback (this request has compacted once already)")
          : judged(
              ["compact", "fallback"],
              configured,
              `compact, or fallback without a compaction hook (${source})`,
            ),
        facts,
      );
    case "retry": {
      const retryNumber = facts.modelAttempt - facts.compactionRetries;
      if (retryNumber > settings.max_retries) {
        return withExtra(
          judged(
            ["fallback"],
            configured,
            `fallback (retry ${retryNumber} would exceed max_retries ${settings.max_retries})`,
            { retryNumber },
          ),
          facts,
        );
      }
      const bounds = retryDelayBounds(oraclePolicyFor(reason, settings), retryNumber, facts.retryAfterMs);
      const remaining = settings.deadline_ms - facts.elapsedMs;
      const allowed: OracleAction[] = [];
      if (bounds.min < remaining) allowed.push("retry");
      const deadlineFallback = bounds.max >= remaining;
      if (deadlineFallback) allowed.push("fallback");
      const why = deadlineFallback
        ? `retry or fallback (a wait of ${bounds.min}–${bounds.max} ms may pass the deadline, ${remaining} ms left)`
        : `retry (${source}; retry ${retryNumber} of ${settings.max_retries}, ${remaining} ms left before the deadline)`;
      return withExtra(judged(allowed, configured, why, { retryNumber, bounds, deadlineFallback }), facts);
    }
    default: {
      const unreachable: never = configured;
      return unreachable;
    }
  }
}
