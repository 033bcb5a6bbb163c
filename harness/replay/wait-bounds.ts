import {
  backoffBounds,
  oracleFamilyOf,
  retryDelayBounds,
  type DelayBounds,
} from "../oracle/backoff-bounds.ts";
import type { OracleSettings } from "../oracle/config-types.ts";
import type { RetryWait } from "./decisions.ts";

/**
 * What SPEC §4 allows one retry's wait to be under a config, and in words why a wait falls outside it.
 * Replay judges every wait this way on both sides instead of comparing the two draws with each other: a
 * production engine's jitter is not the replay's, but both must respect the same bounds.
 */

/** The settings that bound a wait (a whole `OracleSettings`, or the engine's parsed settings, will do). */
export type WaitSettings = Pick<OracleSettings, "backoff" | "retry_after_cap_ms" | "deadline_ms">;

/** The waits a retry may announce: none when its Retry-After is above the cap. */
export interface AllowedWait {
  readonly bounds: DelayBounds | null;
  /** How the bounds follow from the config, for messages. */
  readonly why: string;
}

/** `a 429`, or `a connection failure` when there was no HTTP status. */
function failureWords(wait: RetryWait): string {
  const what = wait.status === null ? `a ${wait.reason} failure` : `a ${wait.status}`;
  return wait.retryAfterMs === null ? what : `${what} with Retry-After ${wait.retryAfterMs} ms`;
}

const range = (b: DelayBounds): string => (b.min === b.max ? `${b.min} ms` : `${b.min}–${b.max} ms`);

/** SPEC §4: max(backoff_n ± jitter, Retry-After) for the reason's family; nothing above the Retry-After cap. */
export function allowedWait(wait: RetryWait, settings: WaitSettings): AllowedWait {
  if (wait.retryAfterMs !== null && wait.retryAfterMs > settings.retry_after_cap_ms) {
    return {
      bounds: null,
      why: `a Retry-After above retry_after_cap_ms ${settings.retry_after_cap_ms} is never waited for (the failure is quota_exhausted and falls back, SPEC §4)`,
    };
  }
  const family = oracleFamilyOf(wait.reason);
  const policy = settings.backoff[family];
  const backoff = backoffBounds(policy, wait.retryNumber);
  const pct = Math.round(policy.jitter * 100);
  return {
    bounds: retryDelayBounds(policy, wait.retryNumber, wait.retryAfterMs),
    why: `backoff.${family} for retry ${wait.retryNumber} is ${range(backoff)} with its ±${pct} % jitter${wait.retryAfterMs === null ? "" : ", and a wait is max(backoff, Retry-After)"}, SPEC §4`,
  };
}

/**
 * Why the announced wait breaks the config, or null when it keeps to it: outside the bounds, for a
 * Retry-After above the cap, or past the request's deadline (`elapsedMs` from the request's start to the
 * failure; `slackMs` allowed on the deadline, since a production log's clock is not exact).
 */
export function waitProblem(
  wait: RetryWait,
  settings: WaitSettings,
  elapsedMs: number,
  slackMs: number,
): string | null {
  const allowed = allowedWait(wait, settings);
  const waited = `waited ${wait.delayMs} ms after ${failureWords(wait)}`;
  if (allowed.bounds === null) return `${waited}; the config allows no wait (${allowed.why})`;
  const { min, max } = allowed.bounds;
  if (wait.delayMs < min || wait.delayMs > max)
    return `${waited}; the config allows ${range(allowed.bounds)} (${allowed.why})`;
  const left = settings.deadline_ms - elapsedMs;
  if (wait.delayMs > left + slackMs)
    return `${waited} ${elapsedMs} ms into the request; deadline_ms ${settings.deadline_ms} leaves ${left} ms and a wait that would pass the deadline is not taken (SPEC §4)`;
  return null;
}

/**
 * Why the time the log shows between the failure and the engine's next step breaks the config, or null:
 * the wait actually taken must lie in the same bounds, give or take `slackMs` (timer lateness, clock steps).
 */
export function gapProblem(
  wait: RetryWait,
  gapMs: number,
  settings: WaitSettings,
  slackMs: number,
): string | null {
  const { bounds, why } = allowedWait(wait, settings);
  if (bounds === null) return null; // the announced wait is reported already
  if (gapMs >= bounds.min - slackMs && gapMs <= bounds.max + slackMs) return null;
  return `went on ${gapMs} ms after ${failureWords(wait)} (announcing a wait of ${wait.delayMs} ms); the config allows ${range(bounds)}${slackMs === 0 ? "" : ` ± ${slackMs} ms`} (${why})`;
}
