import type { Classification, Action } from "../classify/taxonomy.ts";
import { defaultAction } from "../classify/taxonomy.ts";
import type { FallbackSettings } from "../config/settings.ts";
import type { Random } from "../core/random.ts";
import { policyFor, retryWait } from "./backoff.ts";

/** Everything the action decision depends on; no I/O, no clock. */
export interface ActionContext {
  readonly classification: Classification;
  readonly settings: FallbackSettings;
  /** The attempt number on the current model that just failed (1-based). */
  readonly modelAttempt: number;
  /** Attempts on this model that followed a compaction (they do not count toward `max_retries`). */
  readonly compactionRetries: number;
  /** Whether this request may still compact (a hook exists and it has not compacted yet). */
  readonly canCompact: boolean;
  /** Whether the failure came after the first streamed token. */
  readonly afterFirstToken: boolean;
  /** Milliseconds left before the request's deadline. */
  readonly remainingMs: number;
  /** Jitter source; drawn from only when a retry is decided. */
  readonly random: Random;
}

/** The decision: what to do, and for a retry how long to wait first. */
export type ActionDecision =
  | { readonly action: "retry"; readonly delayMs: number }
  | {
      readonly action: "fallback" | "compact" | "fail";
      readonly delayMs: null;
      readonly deadlineLimited?: true;
    };

/** The configured action for a classification: `fallback.actions` overrides the table's default. */
export function configuredAction(classification: Classification, settings: FallbackSettings): Action {
  return settings.actions[classification.type] ?? defaultAction(classification.reason);
}

/**
 * The decisions without a wait, made once: one is taken on nearly every failed attempt, and a decision is
 * only read. Frozen, so a caller that tried to change one would fail rather than change every later one.
 */
export const FAIL_NOW: ActionDecision = Object.freeze({ action: "fail", delayMs: null });
const FALLBACK: ActionDecision = Object.freeze({ action: "fallback", delayMs: null });
const COMPACT: ActionDecision = Object.freeze({ action: "compact", delayMs: null });

/**
 * SPEC §4 and §6: retry while `model_attempt ≤ max_retries` and the wait fits in the deadline, compact once
 * per request when a hook exists, otherwise move on; a failure after the first token under
 * `mid_stream: fail` ends the request.
 */
export function decideAction(ctx: ActionContext): ActionDecision {
  const { classification, settings } = ctx;
  if (ctx.afterFirstToken && settings.mid_stream === "fail") return FAIL_NOW;
  const action = configuredAction(classification, settings);
  switch (action) {
    case "fail":
      return FAIL_NOW;
    case "fallback":
      return FALLBACK;
    case "compact":
      return ctx.canCompact ? COMPACT : FALLBACK;
    case "retry": {
      const retryNumber = ctx.modelAttempt - ctx.compactionRetries;
      if (retryNumber > settings.max_retries) return FALLBACK;
      const delayMs = retryWait({
        policy: policyFor(classification.reason, settings),
        retryNumber,
        retryAfterMs: classification.retry_after_ms,
        random: ctx.random,
      });
      // A wait that would pass the deadline is not taken: the engine moves on (SPEC §4).
      if (delayMs >= ctx.remainingMs) return { action: "fallback", delayMs: null, deadlineLimited: true };
      return { action: "retry", delayMs };
    }
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}
