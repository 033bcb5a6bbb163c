import type { Action, ErrorType } from "fallback-harness";
import { FinishReasonError } from "./ai-sdk-models.ts";

// What a user would write from SPEC §3 for a library whose retry and fallback predicates see only the error
// the AI SDK threw: its HTTP status (`APICallError.statusCode`), or none for a network or stream failure.
// Written once here for the library examples; deliberately not the package's classifier (no message text,
// no provider codes), so a 400 context overflow and a 400 invalid request look alike, as they would to the
// user. A scenario's `fallback.actions` overrides the action of a class, as the SPEC's own engine does.

/** The SPEC §3 error type and default action an HTTP status (or its absence) points to. */
export interface StatusClass {
  readonly type: ErrorType;
  readonly action: Action;
}

/** The HTTP status the AI SDK attached to an error (a RetryError's last error), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { statusCode, lastError } = error as { statusCode?: unknown; lastError?: unknown };
  if (typeof statusCode === "number") return statusCode;
  return lastError === undefined ? undefined : statusOf(lastError);
}

/**
 * SPEC §3 by status: retry 408/429/502/503/504/529 and network errors; fall back on 500/501, 401/403/404
 * (auth, permission, model not found) and 402 (quota); fail on 400/422 (invalid request, content policy);
 * 413 is a context overflow (compact). A failure with no status after an HTTP 200 (a cut, stalled or
 * malformed stream, or one that ended without its end marker) is a stream failure: retry. A content filter
 * reported as a finish reason fails; the caller's own abort fails.
 */
export function statusClass(error: unknown): StatusClass {
  if (error instanceof FinishReasonError)
    return error.finishReason === "content-filter"
      ? { type: "LogicError", action: "fail" }
      : { type: "NetworkTransient", action: "retry" };
  if (error instanceof Error && error.name === "AbortError") return { type: "LogicError", action: "fail" };
  const status = statusOf(error);
  // A status of 200 is the AI SDK's "Failed to process successful response": the body broke after the 200.
  if (status === undefined || status === 200) return { type: "NetworkTransient", action: "retry" };
  switch (status) {
    case 408:
    case 502:
    case 503:
    case 504:
      return { type: "NetworkTransient", action: "retry" };
    case 429:
    case 529:
      return { type: "ProviderRateLimit", action: "retry" };
    case 402:
      return { type: "ProviderRateLimit", action: "fallback" };
    case 407:
      return { type: "NetworkPermanent", action: "fail" };
    case 413:
      return { type: "ContextLength", action: "compact" };
    case 500:
    case 501:
    case 401:
    case 403:
    case 404:
      return { type: "ProviderError", action: "fallback" };
    default:
      return status >= 500
        ? { type: "ProviderError", action: "fallback" }
        : { type: "LogicError", action: "fail" };
  }
}

/**
 * The action for an error under the scenario's `fallback.actions`. `compact` is `fallback` here: the
 * libraries have no compaction hook (SPEC §4: compact without a hook behaves as fallback).
 */
export function actionFor(
  error: unknown,
  actions: Readonly<Partial<Record<ErrorType, Action>>> = {},
): Exclude<Action, "compact"> {
  const { type, action } = statusClass(error);
  const chosen = actions[type] ?? action;
  return chosen === "compact" ? "fallback" : chosen;
}
