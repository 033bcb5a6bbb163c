import {
  ORACLE_REASONS,
  rowOf,
  type OracleAction,
  type OracleErrorType,
  type OracleReason,
} from "../oracle/action-table.ts";

/**
 * The reason SPEC §3 gives an HTTP status when nothing else is known. 400 and 422 are `invalid_request`
 * only as a fallback there, but an incident log has nothing better to go on.
 */
const REASON_BY_STATUS: Readonly<Record<number, OracleReason>> = {
  400: "invalid_request",
  401: "auth",
  402: "quota_exhausted",
  403: "permission",
  404: "model_not_found",
  407: "proxy",
  408: "timeout",
  413: "context_overflow",
  422: "invalid_request",
  429: "rate_limit",
  500: "server_error",
  501: "server_error",
  502: "bad_gateway",
  503: "unavailable",
  504: "timeout",
  529: "overloaded",
};

/**
 * Each type's reason when only the type is known: the commonest one. NetworkPermanent's three reasons share
 * the action `fail` and no breaker effect, so `tls` is as good as `dns` for a replay.
 */
export const DEFAULT_REASON: Readonly<Record<OracleErrorType, OracleReason>> = {
  ContextLength: "context_overflow",
  NetworkPermanent: "tls",
  ProviderRateLimit: "rate_limit",
  NetworkTransient: "connection",
  ProviderError: "server_error",
  LogicError: "unknown",
};

/** The SPEC §3 reason of an HTTP status, or undefined for one the table does not name. */
export function reasonForStatus(status: number | null | undefined): OracleReason | undefined {
  return status === null || status === undefined ? undefined : REASON_BY_STATUS[status];
}

/** The error type of a reason (SPEC §3). */
export function errorTypeOf(reason: OracleReason): OracleErrorType {
  return rowOf(reason).type;
}

/**
 * The likeliest reason of a failure that logged its error type but no reason: the status's reason when it
 * fits the type; else, when an action was logged and the type's default reason has another default action,
 * the first reason of that type whose default action it is (ProviderRateLimit + `fallback` is
 * `quota_exhausted`); else the type's default.
 */
export function deriveReason(
  errorType: OracleErrorType,
  status: number | null | undefined,
  action: OracleAction | undefined,
): OracleReason {
  const byStatus = reasonForStatus(status);
  if (byStatus !== undefined && errorTypeOf(byStatus) === errorType) return byStatus;
  const fallback = DEFAULT_REASON[errorType];
  if (action === undefined || rowOf(fallback).action === action) return fallback;
  const byAction = ORACLE_REASONS.find(
    (reason) => errorTypeOf(reason) === errorType && rowOf(reason).action === action,
  );
  return byAction ?? fallback;
}
