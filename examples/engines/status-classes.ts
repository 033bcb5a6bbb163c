import type { Action, BreakerEffect, ErrorType, FallbackSettings } from "fallback-harness";
import { FinishReasonError } from "./ai-sdk-models.ts";

// What a user would write from SPEC §3 for a library whose retry and fallback predicates see only the error
// the AI SDK threw: its HTTP status (`APICallError.statusCode`) and response headers, or none for a network
// or stream failure. Written once here for the library examples; deliberately not the package's classifier
// (no message text, no provider codes), so a 400 context overflow and a 400 invalid request look alike, as
// they would to the user. A scenario's `fallback.actions` overrides the action of a class, as the SPEC's
// own engine does.

/** The SPEC §3 error type, default action and breaker effect an HTTP status (or its absence) points to. */
export interface StatusClass {
  readonly type: ErrorType;
  readonly action: Action;
  readonly breaker: BreakerEffect;
}

interface ApiFailure {
  readonly statusCode?: unknown;
  readonly responseHeaders?: unknown;
  readonly lastError?: unknown;
}

/** The AI SDK's `APICallError` behind an error (a RetryError's last error), if any. */
function apiFailureOf(error: unknown): ApiFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const failure = error as ApiFailure;
  if (typeof failure.statusCode === "number") return failure;
  return failure.lastError === undefined ? undefined : apiFailureOf(failure.lastError);
}

/** The HTTP status the AI SDK attached to an error, if any. */
export function statusOf(error: unknown): number | undefined {
  return apiFailureOf(error)?.statusCode as number | undefined;
}

/**
 * The wait a failed response asked for, from its headers (SPEC §3 order): `retry-after-ms`, then
 * `retry-after` in seconds or as an HTTP date (relative to `nowMs`). Negative or unparseable values are
 * ignored. Gemini's `RetryInfo` lives in the body, which a status-and-headers predicate does not read.
 */
export function retryAfterMs(error: unknown, nowMs: number): number | undefined {
  const headers = apiFailureOf(error)?.responseHeaders;
  if (typeof headers !== "object" || headers === null) return undefined;
  const { "retry-after-ms": millis, "retry-after": after } = headers as Record<string, unknown>;
  const asMillis = typeof millis === "string" ? Number(millis) : NaN;
  if (Number.isFinite(asMillis) && asMillis >= 0) return asMillis;
  if (typeof after !== "string" || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const RETRY_NETWORK: StatusClass = { type: "NetworkTransient", action: "retry", breaker: "failure" };
const RETRY_RATE_LIMIT: StatusClass = { type: "ProviderRateLimit", action: "retry", breaker: "failure" };
const QUOTA: StatusClass = { type: "ProviderRateLimit", action: "fallback", breaker: "trip" };
const SERVER_ERROR: StatusClass = { type: "ProviderError", action: "fallback", breaker: "failure" };
const ACCESS: StatusClass = { type: "ProviderError", action: "fallback", breaker: "trip" };
const LOGIC: StatusClass = { type: "LogicError", action: "fail", breaker: "none" };

/**
 * SPEC §3 by status: retry 408/429/502/503/504/529 and network errors; fall back on 500/501 and on
 * 401/403/404 (auth, permission, model not found, which trip the breaker at once) and 402 (quota, trips);
 * fail on 400/422 (invalid request, content policy); 413 is a context overflow (compact). A failure with
 * no status after an HTTP 200 (a cut, stalled or malformed stream, or one that ended without its end
 * marker) is a stream failure: retry. A content filter reported as a finish reason fails; the caller's
 * own abort fails.
 */
export function statusClass(error: unknown): StatusClass {
  if (error instanceof FinishReasonError)
    return error.finishReason === "content-filter" ? LOGIC : RETRY_NETWORK;
  if (error instanceof Error && error.name === "AbortError") return LOGIC;
  const status = statusOf(error);
  // A status of 200 is the AI SDK's "Failed to process successful response": the body broke after the 200.
  if (status === undefined || status === 200) return RETRY_NETWORK;
  switch (status) {
    case 408:
    case 502:
    case 503:
    case 504:
      return RETRY_NETWORK;
    case 429:
    case 529:
      return RETRY_RATE_LIMIT;
    case 402:
      return QUOTA;
    case 407:
      return { type: "NetworkPermanent", action: "fail", breaker: "none" };
    case 413:
      return { type: "ContextLength", action: "compact", breaker: "none" };
    case 500:
    case 501:
      return SERVER_ERROR;
    case 401:
    case 403:
    case 404:
      return ACCESS;
    default:
      return status >= 500 ? SERVER_ERROR : LOGIC;
  }
}

/** A class with the action the user's policy gives it; `compact` is `fallback` (no compaction hook here). */
export interface Decision extends StatusClass {
  readonly action: Exclude<Action, "compact">;
}

/**
 * The class of an error under the scenario's settings: a Retry-After above `retry_after_cap_ms` is never
 * waited for but treated as an exhausted quota (SPEC §4: fall back, trip), and `fallback.actions` overrides
 * a class's action. The libraries have no compaction hook (SPEC §4: compact without a hook is fallback).
 */
export function decide(
  error: unknown,
  settings: Pick<FallbackSettings, "actions" | "retry_after_cap_ms">,
  nowMs: number,
): Decision {
  let found = statusClass(error);
  if (found === RETRY_RATE_LIMIT && (retryAfterMs(error, nowMs) ?? 0) > settings.retry_after_cap_ms)
    found = QUOTA;
  const chosen = settings.actions[found.type] ?? found.action;
  return { ...found, action: chosen === "compact" ? "fallback" : chosen };
}
