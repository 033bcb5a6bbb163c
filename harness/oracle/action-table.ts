/**
 * The oracle's own reading of SPEC §3: every classification reason with its error type, default action and
 * breaker effect. Written from the spec's table, not imported from the engine, so the checker judges the
 * engine instead of agreeing with it by construction.
 */
export const ORACLE_ACTION_TABLE = {
  context_overflow: { type: "ContextLength", action: "compact", effect: "none" },
  tls: { type: "NetworkPermanent", action: "fail", effect: "none" },
  dns: { type: "NetworkPermanent", action: "fail", effect: "none" },
  proxy: { type: "NetworkPermanent", action: "fail", effect: "none" },
  quota_exhausted: { type: "ProviderRateLimit", action: "fallback", effect: "trip" },
  rate_limit: { type: "ProviderRateLimit", action: "retry", effect: "failure" },
  overloaded: { type: "ProviderRateLimit", action: "retry", effect: "failure" },
  timeout: { type: "NetworkTransient", action: "retry", effect: "failure" },
  bad_gateway: { type: "NetworkTransient", action: "retry", effect: "failure" },
  unavailable: { type: "NetworkTransient", action: "retry", effect: "failure" },
  connection: { type: "NetworkTransient", action: "retry", effect: "failure" },
  stream_cut: { type: "NetworkTransient", action: "retry", effect: "failure" },
  stream_stall: { type: "NetworkTransient", action: "retry", effect: "failure" },
  ttft_timeout: { type: "NetworkTransient", action: "retry", effect: "failure" },
  malformed_stream: { type: "NetworkTransient", action: "retry", effect: "failure" },
  stream_incomplete: { type: "NetworkTransient", action: "retry", effect: "failure" },
  server_error: { type: "ProviderError", action: "fallback", effect: "failure" },
  auth: { type: "ProviderError", action: "fallback", effect: "trip" },
  permission: { type: "ProviderError", action: "fallback", effect: "trip" },
  model_not_found: { type: "ProviderError", action: "fallback", effect: "trip" },
  content_filter: { type: "LogicError", action: "fail", effect: "none" },
  invalid_request: { type: "LogicError", action: "fail", effect: "none" },
  aborted: { type: "LogicError", action: "fail", effect: "none" },
  unknown: { type: "LogicError", action: "fail", effect: "none" },
} as const satisfies Record<string, { type: string; action: OracleAction; effect: OracleEffect }>;

/** A classification reason as the oracle knows it. */
export type OracleReason = keyof typeof ORACLE_ACTION_TABLE;
/** One of the six error types of SPEC §3. */
export type OracleErrorType = (typeof ORACLE_ACTION_TABLE)[OracleReason]["type"];
/** What the failover loop may do with a failure (SPEC §4). */
export type OracleAction = "retry" | "fallback" | "compact" | "fail";
/** How a failure counts against its model's circuit (SPEC §7). */
export type OracleEffect = "none" | "failure" | "trip";

/** Every reason, in table order. */
export const ORACLE_REASONS = Object.keys(ORACLE_ACTION_TABLE) as OracleReason[];
/** The six error types. */
export const ORACLE_ERROR_TYPES = [
  "ContextLength",
  "NetworkPermanent",
  "ProviderRateLimit",
  "NetworkTransient",
  "ProviderError",
  "LogicError",
] as const satisfies readonly OracleErrorType[];
/** The four actions. */
export const ORACLE_ACTIONS = [
  "retry",
  "fallback",
  "compact",
  "fail",
] as const satisfies readonly OracleAction[];

/** True for a string that names a reason of SPEC §3. */
export function isOracleReason(value: unknown): value is OracleReason {
  return typeof value === "string" && Object.hasOwn(ORACLE_ACTION_TABLE, value);
}

/** The row of a reason: its type, default action and breaker effect. */
export function rowOf(reason: OracleReason): {
  readonly type: OracleErrorType;
  readonly action: OracleAction;
  readonly effect: OracleEffect;
} {
  return ORACLE_ACTION_TABLE[reason];
}
