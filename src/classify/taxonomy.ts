/**
 * The classification table of SPEC §3 as data: every reason with its type, default action and breaker
 * effect. The `ErrorType` and `Reason` unions are derived from it, so a reason cannot exist without a row.
 */
export const TAXONOMY = {
  context_overflow: { type: "ContextLength", action: "compact", breaker: "none" },
  tls: { type: "NetworkPermanent", action: "fail", breaker: "none" },
  dns: { type: "NetworkPermanent", action: "fail", breaker: "none" },
  proxy: { type: "NetworkPermanent", action: "fail", breaker: "none" },
  quota_exhausted: { type: "ProviderRateLimit", action: "fallback", breaker: "trip" },
  rate_limit: { type: "ProviderRateLimit", action: "retry", breaker: "failure" },
  overloaded: { type: "ProviderRateLimit", action: "retry", breaker: "failure" },
  timeout: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  bad_gateway: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  unavailable: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  connection: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  stream_cut: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  stream_stall: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  ttft_timeout: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  malformed_stream: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  stream_incomplete: { type: "NetworkTransient", action: "retry", breaker: "failure" },
  server_error: { type: "ProviderError", action: "fallback", breaker: "failure" },
  auth: { type: "ProviderError", action: "fallback", breaker: "trip" },
  permission: { type: "ProviderError", action: "fallback", breaker: "trip" },
  model_not_found: { type: "ProviderError", action: "fallback", breaker: "trip" },
  content_filter: { type: "LogicError", action: "fail", breaker: "none" },
  invalid_request: { type: "LogicError", action: "fail", breaker: "none" },
  aborted: { type: "LogicError", action: "fail", breaker: "none" },
  unknown: { type: "LogicError", action: "fail", breaker: "none" },
} as const satisfies Record<string, { type: string; action: string; breaker: string }>;

/** A classification reason (SPEC §3). */
export type Reason = keyof typeof TAXONOMY;
/** One of the six error types, in the order they are tested. */
export type ErrorType = (typeof TAXONOMY)[Reason]["type"];
/** What the failover loop does with a failure (SPEC §4). */
export type Action = "retry" | "fallback" | "compact" | "fail";
/** How a failure counts against its model's circuit (SPEC §7). */
export type BreakerEffect = "none" | "failure" | "trip";

/** The six types in the order SPEC §3 tests them; first match wins. */
export const ERROR_TYPES = [
  "ContextLength",
  "NetworkPermanent",
  "ProviderRateLimit",
  "NetworkTransient",
  "ProviderError",
  "LogicError",
] as const satisfies readonly ErrorType[];

/** Every reason, in table order. */
export const REASONS = Object.keys(TAXONOMY) as Reason[];

/** The result of `classify`: plain data, never an exception. */
export interface Classification {
  readonly type: ErrorType;
  readonly reason: Reason;
  /** The HTTP status behind the error, when one is known. */
  readonly status: number | null;
  /** The provider's requested wait, in milliseconds, when one was given (SPEC §3 order). */
  readonly retry_after_ms: number | null;
  /** The provider's own error code or type (`insufficient_quota`, `overloaded_error`, …). */
  readonly provider_code: string | null;
  /** Human-readable, at most 500 characters, scrubbed of credentials. */
  readonly message: string;
}

/** The type a reason belongs to. */
export function typeOf(reason: Reason): ErrorType {
  return TAXONOMY[reason].type;
}

/** The default action of a reason (before `fallback.actions` overrides). */
export function defaultAction(reason: Reason): Action {
  return TAXONOMY[reason].action;
}

/** How a failure with this reason counts against the breaker. */
export function breakerEffect(reason: Reason): BreakerEffect {
  return TAXONOMY[reason].breaker;
}

/** True for a string that names a reason. */
export function isReason(value: unknown): value is Reason {
  return typeof value === "string" && Object.hasOwn(TAXONOMY, value);
}
