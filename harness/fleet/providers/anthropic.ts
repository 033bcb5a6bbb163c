import type { HttpReason } from "../faults.ts";
import { cloudflarePage, proxyPage } from "./html-pages.ts";
import type { ErrorParams, ProviderError, WireResponse } from "./types.ts";
import { jsonError, retryHeaders } from "./types.ts";

/**
 * Anthropic's errors (reference/providers.md §3): `{"type":"error","error":{"type","message"},"request_id"}`;
 * the AI SDK's schema requires the top-level `type` and both inner fields. Context overflow and low credit
 * are 400 `invalid_request_error` told apart only by the message, as Anthropic sends them. Anthropic has no
 * 503: `unavailable` is a 503 `api_error` (a fleet fault, not a documented Anthropic response).
 */
export function anthropicError(reason: Exclude<HttpReason, "proxy">, params: ErrorParams): ProviderError {
  const e = (status: number, type: string, message: string): ProviderError => ({
    status,
    error: { type, message },
  });
  switch (reason) {
    case "context_overflow":
      return e(400, "invalid_request_error", "prompt is too long: 208656 tokens > 200000 maximum");
    case "quota_exhausted":
      return e(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
      );
    case "rate_limit":
      return e(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization (fleet) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
      );
    case "overloaded":
      return e(529, "overloaded_error", "Overloaded");
    case "timeout":
      return e(504, "timeout_error", "Request timed out");
    case "bad_gateway":
      return e(502, "api_error", "Bad gateway");
    case "unavailable":
      return e(503, "api_error", "Service Unavailable");
    case "server_error":
      return e(500, "api_error", "Internal server error");
    case "auth":
      return e(401, "authentication_error", "invalid x-api-key");
    case "permission":
      return e(
        403,
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
      );
    case "model_not_found":
      return e(404, "not_found_error", `model: ${params.model}`);
    case "content_filter":
      return e(400, "invalid_request_error", "Output blocked by content filtering policy");
    case "invalid_request":
      return e(400, "invalid_request_error", "max_tokens: Field required");
    default: {
      const unreachable: never = reason;
      throw new TypeError(
        `Failed to build an Anthropic error: unknown reason ${String(unreachable)}. Use one of HTTP_REASONS.`,
      );
    }
  }
}

/** Anthropic's response headers for a request id. */
export function anthropicHeaders(requestId: string): Record<string, string> {
  return { "request-id": requestId, "anthropic-organization-id": "00000000-0000-4000-8000-00000000f1ee" };
}

/** Anthropic's error response for a reason (a Cloudflare page for 502, as its edge sends it). */
export function anthropicErrorResponse(reason: HttpReason, params: ErrorParams): WireResponse {
  if (reason === "proxy") return proxyPage(params);
  if (reason === "bad_gateway") {
    const page = cloudflarePage(params.status ?? 502, params);
    return { ...page, headers: { ...page.headers, ...retryHeaders(params) }, body: params.body ?? page.body };
  }
  const error = anthropicError(reason, params);
  return jsonError(
    error,
    { type: "error", error: error.error, request_id: params.requestId },
    params,
    anthropicHeaders(params.requestId),
  );
}
