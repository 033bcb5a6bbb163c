import { rowOf, type OracleReason } from "./action-table.ts";
import type { OracleBackoffPolicy, OracleSettings } from "./config-types.ts";

/** The closed range a retry's wait may fall in, in whole milliseconds. */
export interface DelayBounds {
  readonly min: number;
  readonly max: number;
}

/** The two backoff families SPEC §2 names (`fallback.backoff.network`, `fallback.backoff.rate_limit`). */
export type BackoffFamily = "network" | "rate_limit";

/**
 * The backoff family of a reason: rate-limit waits for ProviderRateLimit, network waits for everything else
 * (SPEC §2 names only these two; a class whose action is overridden to `retry` uses the network family).
 */
export function oracleFamilyOf(reason: OracleReason): BackoffFamily {
  return rowOf(reason).type === "ProviderRateLimit" ? "rate_limit" : "network";
}

/** The backoff policy of a reason under `settings` (see {@link oracleFamilyOf}). */
export function oraclePolicyFor(
  reason: OracleReason,
  settings: Pick<OracleSettings, "backoff">,
): OracleBackoffPolicy {
  return settings.backoff[oracleFamilyOf(reason)];
}

/**
 * SPEC §4: backoff_n = min(max_ms, base_ms·factor^(n−1)) with ±jitter, and the wait is
 * max(backoff_n, retry_after_ms). Jitter applies to the capped value, so a wait may exceed `max_ms` by the
 * jitter; the bounds are widened to whole milliseconds (floor/ceil) because engines round their draws.
 */
export function retryDelayBounds(
  policy: OracleBackoffPolicy,
  retryNumber: number,
  retryAfterMs: number | null,
): DelayBounds {
  const backoff = backoffBounds(policy, retryNumber);
  const floor = retryAfterMs ?? 0;
  return { min: Math.max(backoff.min, floor), max: Math.max(backoff.max, floor) };
}

/** backoff_n ± jitter alone, before Retry-After is taken into account (see {@link retryDelayBounds}). */
export function backoffBounds(policy: OracleBackoffPolicy, retryNumber: number): DelayBounds {
  const exponent = Math.max(0, retryNumber - 1);
  const backoff = Math.min(policy.max_ms, policy.base_ms * policy.factor ** exponent);
  return {
    min: Math.max(0, Math.floor(backoff * (1 - policy.jitter))),
    max: Math.ceil(backoff * (1 + policy.jitter)),
  };
}
