import type { BackoffPolicy, FallbackSettings } from "../../src/config/settings.ts";
import { rowOf, type OracleReason } from "./action-table.ts";

/** The closed range a retry's wait may fall in, in whole milliseconds. */
export interface DelayBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The backoff family of a reason: rate-limit waits for ProviderRateLimit, network waits for everything else
 * (SPEC §2 names only these two; a class whose action is overridden to `retry` uses the network family).
 */
export function oraclePolicyFor(reason: OracleReason, settings: FallbackSettings): BackoffPolicy {
  return rowOf(reason).type === "ProviderRateLimit" ? settings.backoff.rate_limit : settings.backoff.network;
}

/**
 * SPEC §4: backoff_n = min(max_ms, base_ms·factor^(n−1)) with ±jitter, and the wait is
 * max(backoff_n, retry_after_ms). Jitter applies to the capped value, so a wait may exceed `max_ms` by the
 * jitter; the bounds are widened to whole milliseconds (floor/ceil) because engines round their draws.
 */
export function retryDelayBounds(
  policy: BackoffPolicy,
  retryNumber: number,
  retryAfterMs: number | null,
): DelayBounds {
  const exponent = Math.max(0, retryNumber - 1);
  const backoff = Math.min(policy.max_ms, policy.base_ms * policy.factor ** exponent);
  const low = Math.max(0, Math.floor(backoff * (1 - policy.jitter)));
  const high = Math.ceil(backoff * (1 + policy.jitter));
  const floor = retryAfterMs ?? 0;
  return { min: Math.max(low, floor), max: Math.max(high, floor) };
}
