/**
 * The vocabularies the classification table (`rules.ts`) matches against: system error codes, provider
 * codes, and the text patterns used only when no structured signal decides (SPEC §3). None of the text
 * patterns reads a bare number as a status.
 */

/** TLS failures Node reports by name (certificate chain problems). */
export const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "HOSTNAME_MISMATCH",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);
/** True for a TLS or certificate error code (`CERT_*`, `ERR_TLS_*`, `ERR_SSL_*`, chain codes). */
export const isTlsCode = (c: string): boolean => TLS_CODES.has(c) || /^(?:CERT_|ERR_TLS_|ERR_SSL_)/.test(c);

/** ENOTFOUND is a name that does not exist; EAI_AGAIN ("try again") is a resolver hiccup and stays transient. */
export const DNS_CODES = new Set(["ENOTFOUND", "EAI_NONAME", "EAI_FAIL"]);

/** Codes the AI SDK treats as retryable network errors (provider-utils `handle-fetch-error`), and their kin. */
export const CONNECTION_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ConnectionRefused",
  "ConnectionClosed",
  "FailedToOpenSocket",
]);
/** True for a transient connection error code (the set above or any `UND_ERR_*`). */
export const isConnectionCode = (c: string): boolean => CONNECTION_CODES.has(c) || c.startsWith("UND_ERR_");

/** Provider codes that mean the account is out of quota, credit or spend (not a per-minute limit). */
export const QUOTA_CODES = [
  "insufficient_quota",
  "credit_balance_exhausted",
  "project_spend_limit_exceeded",
  "billing_error",
  "enforced_spend_limit_reached",
  "servicequotaexceededexception",
];

/** Context overflow wording (OpenCode `provider/error.ts` patterns, reference/opencode.md §1.2). */
export const CONTEXT_TEXT =
  /prompt is too long|maximum context length|context[_ ]length[_ ]exceeded|context[_ ]window[_ ]exceeded|exceeds? the context window|input token count.*exceeds|request entity too large|exceeds the limit of \d+ tokens/i;
/** Certificate and TLS wording. */
export const TLS_TEXT =
  /certificate|self[- ]signed|SSL routines|TLS handshake|ssl3_get_record|wrong version number|ERR_TLS_/i;
/** Name-resolution wording. */
export const DNS_TEXT =
  /ENOTFOUND|EAI_NONAME|could not resolve host|name or service not known|name resolution failed/i;
/** Proxy wording (undici, `https-proxy-agent`). */
export const PROXY_TEXT =
  /proxy authentication required|proxy response|tunneling socket could not be established/i;
/** Quota, credit and spend wording. */
export const QUOTA_TEXT =
  /insufficient[_ ]quota|exceeded your current quota|quota exceeded|credit balance is too low|insufficient (credits|funds|balance)|spend(ing)? limit|billing details|usage limit has been reached/i;
/** Rate-limit wording. */
export const RATE_TEXT = /rate[ _-]?limit|too many requests|resource[ _]exhausted|slow down/i;
/** Overload wording. */
export const OVERLOADED_TEXT = /overloaded|at capacity/i;
/** Timeout wording. */
export const TIMEOUT_TEXT = /timed? ?out|timeout|deadline exceeded|gateway time-?out/i;
/** Unavailability wording. */
export const UNAVAILABLE_TEXT = /service (temporarily )?unavailable|temporarily unavailable|high demand/i;
/** Gateway wording. */
export const BAD_GATEWAY_TEXT = /bad gateway/i;
/** Connection failure wording (fetch, undici, Node sockets, the AI SDK's "Cannot connect to API"). */
export const CONNECTION_TEXT =
  /fetch failed|failed to fetch|socket hang up|^terminated$|other side closed|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_|network ?error|connection (reset|refused|closed|error)|cannot connect to api/i;
/** Internal server error wording. */
export const SERVER_TEXT =
  /internal server error|an internal error|server had an error|server_error|api_error/i;
/** Bad or missing key wording. */
export const AUTH_TEXT =
  /invalid[ _-]?api[ _-]?key|incorrect api key|api key not valid|invalid x-api-key|missing api key|api key is missing|unauthorized|invalid authentication|authentication (failed|error)/i;
/** Permission and unsupported-region wording. */
export const PERMISSION_TEXT =
  /permission denied|forbidden|(country|region|territory|location)[^.]{0,40}not supported|not (available|supported) in your (country|region)/i;
/** Missing model wording. */
export const MODEL_TEXT =
  /model[^.]{0,80}(does not exist|not found|is not supported for)|no such model|model_not_found|unknown model/i;
/** Content policy wording. */
export const FILTER_TEXT =
  /content (management )?polic|content[_ ]filter|flagged by moderation|requires moderation|safety (system|filter)/i;
/** Abort wording. */
export const ABORT_TEXT = /\babort(ed)?\b/i;
