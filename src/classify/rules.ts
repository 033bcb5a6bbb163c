import type { Signals } from "./signals.ts";
import { isFilterFinishReason } from "./provider-body.ts";
import type { Reason } from "./taxonomy.ts";
import {
  ABORT_TEXT,
  AUTH_TEXT,
  BAD_GATEWAY_TEXT,
  CONNECTION_TEXT,
  CONTEXT_TEXT,
  DNS_CODES,
  DNS_TEXT,
  FILTER_TEXT,
  MODEL_TEXT,
  OVERLOADED_TEXT,
  PERMISSION_TEXT,
  PROXY_TEXT,
  QUOTA_CODES,
  QUOTA_TEXT,
  RATE_TEXT,
  SERVER_TEXT,
  TIMEOUT_TEXT,
  TLS_TEXT,
  UNAVAILABLE_TEXT,
  isConnectionCode,
  isTlsCode,
} from "./vocabulary.ts";

/**
 * Classification as data (STYLE habit 6): an ordered table from signals to a reason. The reason's type,
 * action and breaker effect come from `TAXONOMY`.
 *
 * How the table is read (SPEC §3):
 * - Tier `signal` (HTTP status, provider code/type/status, cause codes, error names, finish reasons) is
 *   tried first, then tier `text` (message patterns), then tier `weak`. Within a tier, rows run in the
 *   type order ContextLength → NetworkPermanent → ProviderRateLimit → NetworkTransient → ProviderError →
 *   LogicError, and the first match wins.
 * - Tier `weak` holds the structured signals that only say "the request was bad" (400, 422, other 4xx,
 *   `invalid_request_error`, `INVALID_ARGUMENT`). They are real statuses, but providers send context
 *   overflow, exhausted credit and unsupported regions as 400 with only a message to tell them apart
 *   (reference/providers.md §3–§4), so the text may refine them; it may never refine a 401, 429 or 5xx.
 * - No text pattern reads a number as a status: "try again in 18.403s" is not a 403.
 */
export type Tier = "signal" | "text" | "weak";

/** What a rule sees: the signals plus the Retry-After already read and the cap it is compared with. */
export interface RuleInput {
  readonly signals: Signals;
  readonly retryAfterMs: number | null;
  readonly capMs: number;
}

/** One row of the table. `why` names the signal, for tests and debugging. */
export interface Rule {
  readonly tier: Tier;
  readonly reason: Reason;
  readonly why: string;
  readonly test: (input: RuleInput) => boolean;
}

// ---- predicate builders --------------------------------------------------------------------------------

type Test = (input: RuleInput) => boolean;

// Each builder does its work without a closure or a string per call: the table runs on every failed attempt.
const status =
  (...codes: number[]): Test =>
  ({ signals }) =>
    signals.status !== null && codes.includes(signals.status);
const statusIn =
  (low: number, high: number): Test =>
  ({ signals }) =>
    signals.status !== null && signals.status >= low && signals.status <= high;
/** Provider codes, types and detail codes (compared lower-case). */
const code = (...codes: string[]): Test => {
  const lower = codes.map((c) => c.toLowerCase());
  return ({ signals }) => {
    for (const c of lower) if (signals.codes.includes(c)) return true;
    return false;
  };
};
const providerStatus =
  (...statuses: string[]): Test =>
  ({ signals }) =>
    signals.providerStatus !== null && statuses.includes(signals.providerStatus);
const name =
  (...names: string[]): Test =>
  ({ signals }) => {
    for (const n of names) if (signals.errorNames.includes(n)) return true;
    return false;
  };
const cause =
  (pred: (code: string) => boolean): Test =>
  ({ signals }) => {
    for (const c of signals.causeCodes) if (pred(c)) return true;
    return false;
  };
const text =
  (pattern: RegExp): Test =>
  ({ signals }) => {
    for (const t of signals.texts) if (pattern.test(t)) return true;
    return false;
  };
const any =
  (...tests: Test[]): Test =>
  (input) => {
    for (const t of tests) if (t(input)) return true;
    return false;
  };
const all =
  (...tests: Test[]): Test =>
  (input) => {
    for (const t of tests) if (!t(input)) return false;
    return true;
  };
const not =
  (t: Test): Test =>
  (input) =>
    !t(input);
const success: Test = statusIn(200, 299);
const moderation: Test = ({ signals }) => signals.moderation;
const htmlPage: Test = ({ signals }) =>
  signals.bodyText !== null &&
  (signals.contentType?.includes("text/html") === true || /^\s*<(?:!doctype|html)/i.test(signals.bodyText));
const streamFailure =
  (reason: Reason): Test =>
  ({ signals }) =>
    signals.streamFailure === reason;

// ---- the table -----------------------------------------------------------------------------------------

/** The classification table, in evaluation order within each tier (see `Tier`). */
export const RULES: readonly Rule[] = [
  // ContextLength
  {
    tier: "signal",
    reason: "context_overflow",
    why: "413, context_length_exceeded, model_context_window_exceeded",
    test: any(
      status(413),
      code(
        "context_length_exceeded",
        "model_context_window_exceeded",
        "context-length-exceeded",
        "request_too_large",
      ),
      name("ContextOverflowError"),
      ({ signals }) => signals.finishReasons.includes("model_context_window_exceeded"),
    ),
  },
  { tier: "text", reason: "context_overflow", why: "context overflow wording", test: text(CONTEXT_TEXT) },

  // NetworkPermanent
  {
    tier: "signal",
    reason: "tls",
    why: "CERT_*, ERR_TLS_*, self-signed chain codes",
    test: cause(isTlsCode),
  },
  { tier: "signal", reason: "dns", why: "ENOTFOUND", test: cause((c) => DNS_CODES.has(c)) },
  { tier: "signal", reason: "proxy", why: "HTTP 407", test: status(407) },
  { tier: "text", reason: "tls", why: "certificate / TLS wording", test: text(TLS_TEXT) },
  { tier: "text", reason: "dns", why: "name resolution wording", test: text(DNS_TEXT) },
  { tier: "text", reason: "proxy", why: "proxy wording", test: text(PROXY_TEXT) },

  // ProviderRateLimit
  {
    tier: "signal",
    reason: "quota_exhausted",
    why: "Retry-After above the cap (SPEC §4)",
    test: ({ retryAfterMs, capMs }) => retryAfterMs !== null && retryAfterMs > capMs,
  },
  {
    tier: "signal",
    reason: "quota_exhausted",
    why: "402, quota/credit/spend codes, Gemini per-day quota",
    test: any(status(402), code(...QUOTA_CODES), ({ signals }) =>
      signals.quotaIds.some((id) => /PerDay/i.test(id)),
    ),
  },
  {
    tier: "signal",
    reason: "rate_limit",
    why: "429, rate_limit_error, rate_limit_exceeded, RESOURCE_EXHAUSTED",
    test: any(
      status(429),
      code(
        "rate_limit_exceeded",
        "rate_limit_error",
        "too_many_requests",
        "slow_down",
        "throttlingexception",
      ),
      providerStatus("RESOURCE_EXHAUSTED"),
    ),
  },
  {
    tier: "signal",
    reason: "overloaded",
    why: "529, overloaded_error",
    test: any(status(529), code("overloaded_error")),
  },
  { tier: "text", reason: "quota_exhausted", why: "quota / credit wording", test: text(QUOTA_TEXT) },
  { tier: "text", reason: "rate_limit", why: "rate limit wording", test: text(RATE_TEXT) },
  { tier: "text", reason: "overloaded", why: "overloaded wording", test: text(OVERLOADED_TEXT) },

  // NetworkTransient: the engine's own stream verdicts first, then failures after a 200, then statuses.
  {
    tier: "signal",
    reason: "stream_cut",
    why: "StreamFailureError stream_cut",
    test: streamFailure("stream_cut"),
  },
  {
    tier: "signal",
    reason: "stream_stall",
    why: "StreamFailureError stream_stall",
    test: streamFailure("stream_stall"),
  },
  {
    tier: "signal",
    reason: "ttft_timeout",
    why: "StreamFailureError ttft_timeout",
    test: streamFailure("ttft_timeout"),
  },
  {
    tier: "signal",
    reason: "malformed_stream",
    why: "StreamFailureError malformed_stream",
    test: streamFailure("malformed_stream"),
  },
  {
    tier: "signal",
    reason: "stream_incomplete",
    why: "StreamFailureError stream_incomplete",
    test: streamFailure("stream_incomplete"),
  },
  {
    tier: "signal",
    reason: "stream_cut",
    why: "network error after HTTP 2xx (AI SDK 'Failed to process successful response')",
    test: all(success, cause(isConnectionCode)),
  },
  {
    tier: "signal",
    reason: "stream_incomplete",
    why: "InvalidResponseDataError 'stream ended without a finish reason' (openai-compatible, no end marker)",
    test: all(name("AI_InvalidResponseDataError"), text(/stream ended without a finish reason/i)),
  },
  {
    tier: "signal",
    reason: "malformed_stream",
    why: "JSONParseError / TypeValidationError (unless the value is a provider error body with its own status)",
    test: all(
      name("AI_JSONParseError", "AI_TypeValidationError", "AI_InvalidResponseDataError"),
      // A 200 whose body is the provider's error (`{"error":{"code":500,…}}`) fails the success schema, but
      // it is classified like its HTTP twin (SPEC §3), not as a broken frame.
      ({ signals }) => signals.status === null || (signals.status >= 200 && signals.status < 300),
    ),
  },
  {
    tier: "signal",
    reason: "stream_incomplete",
    why: "EmptyResponseBodyError",
    test: name("AI_EmptyResponseBodyError"),
  },
  {
    tier: "signal",
    reason: "timeout",
    why: "408, 504, DEADLINE_EXCEEDED, TimeoutError",
    test: any(
      status(408, 504, 522, 524),
      providerStatus("DEADLINE_EXCEEDED"),
      code("timeout_error", "modeltimeoutexception"),
      name("TimeoutError", "APIConnectionTimeoutError"),
    ),
  },
  {
    tier: "signal",
    reason: "bad_gateway",
    why: "502 (and Cloudflare 520/521/523), bad_gateway",
    test: any(status(502, 520, 521, 523), code("bad_gateway")),
  },
  {
    tier: "signal",
    reason: "unavailable",
    why: "503, UNAVAILABLE, server_is_overloaded",
    test: any(
      status(503),
      providerStatus("UNAVAILABLE"),
      code(
        "server_is_overloaded",
        "service_unavailable_error",
        "serviceunavailableexception",
        "modelnotreadyexception",
      ),
    ),
  },
  {
    tier: "signal",
    reason: "connection",
    why: "ECONNRESET, ECONNREFUSED, EPIPE, ETIMEDOUT, EAI_AGAIN, UND_ERR_*",
    test: any(cause(isConnectionCode), name("APIConnectionError")),
  },
  {
    tier: "text",
    reason: "stream_cut",
    why: "network wording after HTTP 2xx",
    test: all(success, text(CONNECTION_TEXT)),
  },
  { tier: "text", reason: "timeout", why: "timeout wording", test: text(TIMEOUT_TEXT) },
  { tier: "text", reason: "unavailable", why: "service unavailable wording", test: text(UNAVAILABLE_TEXT) },
  { tier: "text", reason: "bad_gateway", why: "bad gateway wording", test: text(BAD_GATEWAY_TEXT) },
  {
    tier: "text",
    reason: "bad_gateway",
    why: "an HTML gateway page (Cloudflare)",
    test: all(htmlPage, text(/cloudflare/i)),
  },
  {
    tier: "text",
    reason: "connection",
    why: "fetch failed, socket hang up, terminated",
    test: text(CONNECTION_TEXT),
  },

  // ProviderError
  {
    tier: "signal",
    reason: "server_error",
    why: "500, 501, other 5xx, server_error, api_error, INTERNAL",
    test: any(
      statusIn(500, 599),
      code(
        "server_error",
        "api_error",
        "internal_server_error",
        "internalserverexception",
        "modelstreamerrorexception",
      ),
      providerStatus("INTERNAL", "UNKNOWN", "DATA_LOSS", "UNIMPLEMENTED"),
    ),
  },
  {
    tier: "signal",
    reason: "auth",
    why: "401, authentication_error, invalid_api_key, API_KEY_INVALID, LoadAPIKeyError",
    test: any(
      status(401),
      code("authentication_error", "invalid_api_key", "api_key_invalid", "unrecognizedclientexception"),
      providerStatus("UNAUTHENTICATED"),
      name("AI_LoadAPIKeyError", "ProviderAuthError"),
    ),
  },
  {
    tier: "signal",
    reason: "permission",
    why: "403 (not moderation), permission_error, PERMISSION_DENIED, unsupported region",
    test: all(
      not(moderation),
      any(
        status(403),
        code("permission_error", "unsupported_country_region_territory", "accessdeniedexception"),
        providerStatus("PERMISSION_DENIED"),
      ),
    ),
  },
  {
    tier: "signal",
    reason: "model_not_found",
    why: "404, model_not_found, not_found_error, NOT_FOUND, NoSuchModelError",
    test: any(
      status(404),
      code("model_not_found", "not_found_error", "resourcenotfoundexception", "deploymentnotfound"),
      providerStatus("NOT_FOUND"),
      name("AI_NoSuchModelError", "AI_NoSuchProviderError", "ProviderModelNotFoundError"),
    ),
  },
  { tier: "text", reason: "server_error", why: "internal error wording", test: text(SERVER_TEXT) },
  { tier: "text", reason: "auth", why: "bad key wording", test: text(AUTH_TEXT) },
  { tier: "text", reason: "permission", why: "permission / region wording", test: text(PERMISSION_TEXT) },
  { tier: "text", reason: "model_not_found", why: "missing model wording", test: text(MODEL_TEXT) },

  // LogicError
  {
    tier: "signal",
    reason: "content_filter",
    why: "content_filter code, moderation metadata, filter finish reason, promptFeedback.blockReason",
    test: any(
      code("content_filter", "content_policy_violation", "responsibleaipolicyviolation"),
      moderation,
      ({ signals }) =>
        signals.finishReasons.some((r) => isFilterFinishReason(r) || r.startsWith("blockReason:")),
    ),
  },
  {
    tier: "signal",
    reason: "aborted",
    why: "AbortError, RetryError reason abort",
    test: any(
      name("AbortError", "ResponseAborted", "APIUserAbortError"),
      ({ signals }) => signals.retryReason === "abort",
    ),
  },
  { tier: "text", reason: "content_filter", why: "content policy wording", test: text(FILTER_TEXT) },
  { tier: "text", reason: "aborted", why: "abort wording", test: text(ABORT_TEXT) },
  {
    tier: "weak",
    reason: "malformed_stream",
    why: "an APICallError at HTTP 2xx with no other signal: the success body could not be processed",
    test: all(success, name("AI_APICallError")),
  },
  {
    tier: "weak",
    reason: "invalid_request",
    why: "other 400 / 422 / 4xx, invalid_request_error, INVALID_ARGUMENT",
    test: any(
      statusIn(400, 499),
      code("invalid_request_error", "validationexception", "unsupported_parameter", "invalid_prompt"),
      providerStatus(
        "INVALID_ARGUMENT",
        "FAILED_PRECONDITION",
        "OUT_OF_RANGE",
        "ALREADY_EXISTS",
        "ABORTED",
        "CANCELLED",
      ),
    ),
  },
];

const TIERS: readonly Tier[] = ["signal", "text", "weak"];

/**
 * The table's rows tier by tier, each tier in table order: what `decide` reads, split once here rather
 * than the whole table walked once per tier on every failed attempt.
 */
const RULES_BY_TIER: readonly (readonly Rule[])[] = TIERS.map((tier) =>
  RULES.filter((rule) => rule.tier === tier),
);

/** The first rule that matches, tier by tier, or null when nothing does (the caller reports `unknown`). */
export function decide(input: RuleInput): Rule | null {
  for (const rules of RULES_BY_TIER) {
    for (const rule of rules) {
      if (rule.test(input)) return rule;
    }
  }
  return null;
}
