import type { HttpReason } from "../faults.ts";
import { googlePage, proxyPage } from "./html-pages.ts";
import type { ErrorParams, ProviderError, WireResponse } from "./types.ts";
import { jsonError, retryAfterMsOf, retryHeaders } from "./types.ts";

/**
 * Gemini's errors (reference/providers.md §4): `{"error":{"code","message","status","details"}}`; the AI
 * SDK requires `code`, `message` and `status`. A bad key is a 400 `API_KEY_INVALID`, not a 401; quota is a
 * 429 `RESOURCE_EXHAUSTED` whose `QuotaFailure` names a per-day quota (a per-minute one is `rate_limit`);
 * the wait rides in `RetryInfo.retryDelay`, and Google sends no Retry-After header of its own. Gemini
 * signals a blocked prompt in a 200 (see the content_filter fault); as an HTTP error, `content_filter` is a
 * 400 naming the safety filter. Google has no 529: `overloaded` is a 529 `UNAVAILABLE` (a fleet fault).
 */
export function googleError(reason: Exclude<HttpReason, "proxy">, params: ErrorParams): ProviderError {
  const e = (code: number, status: string, message: string, details?: readonly unknown[]): ProviderError => ({
    status: code,
    error: { code, message, status, ...(details === undefined ? {} : { details }) },
  });
  const wait = retryAfterMsOf(params);
  const retryInfo =
    wait === undefined
      ? []
      : [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${wait / 1000}s` }];
  const quota = (quotaId: string): unknown[] => [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId,
          quotaDimensions: { location: "global", model: params.model },
          quotaValue: "10",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [
        {
          description: "Learn more about Gemini API quotas",
          url: "https://ai.google.dev/gemini-api/docs/rate-limits",
        },
      ],
    },
    ...retryInfo,
  ];
  switch (reason) {
    case "context_overflow":
      return e(
        400,
        "INVALID_ARGUMENT",
        "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
      );
    case "quota_exhausted":
      return e(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
        quota("GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
      );
    case "rate_limit":
      // The same text as the per-day quota, as Google sends it: only the quota id tells them apart.
      return e(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
        quota("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
      );
    case "overloaded":
      return e(529, "UNAVAILABLE", "The model is overloaded. Please try again later.");
    case "timeout":
      return e(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.");
    case "bad_gateway":
      return e(502, "UNAVAILABLE", "Bad Gateway");
    case "unavailable":
      return e(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
    case "server_error":
      return e(
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
      );
    case "auth":
      return e(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ]);
    case "permission":
      return e(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    case "model_not_found":
      return e(
        404,
        "NOT_FOUND",
        `models/${params.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    case "content_filter":
      return e(400, "INVALID_ARGUMENT", "The request was blocked by the safety filter (SAFETY).");
    case "invalid_request":
      return e(
        400,
        "INVALID_ARGUMENT",
        'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
      );
    default: {
      const unreachable: never = reason;
      throw new TypeError(
        `Failed to build a Gemini error: unknown reason ${String(unreachable)}. Use one of HTTP_REASONS.`,
      );
    }
  }
}

/** Gemini's error response for a reason (Google's HTML page for a 502 from its front end). */
export function googleErrorResponse(reason: HttpReason, params: ErrorParams): WireResponse {
  if (reason === "proxy") return proxyPage(params);
  if (reason === "bad_gateway") {
    const page = googlePage(params.status ?? 502);
    return { ...page, headers: { ...page.headers, ...retryHeaders(params) }, body: params.body ?? page.body };
  }
  const error = googleError(reason, params);
  const response = jsonError(error, { error: error.error }, params, {});
  // Real Gemini answers carry a charset (reference/providers.md §4).
  return response.headers["content-type"] === "application/json"
    ? { ...response, headers: { ...response.headers, "content-type": "application/json; charset=UTF-8" } }
    : response;
}
