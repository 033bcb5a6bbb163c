import { typeOf, type Reason } from "../classify/taxonomy.ts";
import type { BackoffPolicy, FallbackSettings } from "../config/settings.ts";
import type { Random } from "../core/random.ts";

/** The un-jittered delay of retry `n`: `min(max_ms, base_ms·factor^(n−1))`, with `n` taken as at least 1. */
function cappedDelay(policy: BackoffPolicy, n: number): number {
  const exponent = Math.max(1, Math.floor(n)) - 1;
  return Math.min(policy.max_ms, policy.base_ms * policy.factor ** exponent);
}

/** Jitter applied with a multiplier `m` ∈ [−1, 1], then rounded and clamped to [0, max_ms]. */
function jittered(policy: BackoffPolicy, d: number, m: number): number {
  const value = Math.round(d * (1 + policy.jitter * m));
  return Math.min(policy.max_ms, Math.max(0, value));
}

/**
 * The backoff before retry `n` (1-based) under `policy` (SPEC §4).
 *
 * Order: cap first, then jitter, then round, then clamp. With `d = min(max_ms, base_ms·factor^(n−1))` and
 * `u = random.next()` ∈ [0, 1), the result is `clamp(round(d·(1 + jitter·(2u−1))), 0, max_ms)`: an integer in
 * `[clamp(round(d·(1−jitter))), clamp(round(d·(1+jitter)))]` (see {@link backoffBounds}), so never negative
 * and never above `max_ms` (which is within the looser `max_ms·(1+jitter)` bound). Exactly one draw is taken
 * per call, even with zero jitter, so the jitter stream advances the same way whatever the policy.
 */
export function backoffDelay(policy: BackoffPolicy, n: number, random: Random): number {
  const u = random.next();
  return jittered(policy, cappedDelay(policy, n), 2 * u - 1);
}

/** The least and greatest value {@link backoffDelay} can return for retry `n` (both inclusive). */
export function backoffBounds(
  policy: BackoffPolicy,
  n: number,
): { readonly min: number; readonly max: number } {
  const d = cappedDelay(policy, n);
  // Floating-point multiply and add are monotonic, so the extremes of the multiplier give the extremes.
  const a = jittered(policy, d, -1);
  const b = jittered(policy, d, 1);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** The policy for a retried failure: ProviderRateLimit reasons wait by `rate_limit`, all others by `network`. */
export function policyFor(reason: Reason, settings: FallbackSettings): BackoffPolicy {
  return typeOf(reason) === "ProviderRateLimit" ? settings.backoff.rate_limit : settings.backoff.network;
}

/** What a retry waits before it runs. */
export interface RetryWaitInput {
  readonly policy: BackoffPolicy;
  /** 1-based: the first retry of a model is 1. */
  readonly retryNumber: number;
  /** The provider's Retry-After in ms, or null when it gave none. */
  readonly retryAfterMs: number | null;
  readonly random: Random;
}

/** SPEC §4: the wait before a retry is `max(backoff, retry_after_ms)`; a Retry-After is never cut short. */
export function retryWait(input: RetryWaitInput): number {
  return Math.max(backoffDelay(input.policy, input.retryNumber, input.random), input.retryAfterMs ?? 0);
}
