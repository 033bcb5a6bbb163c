import type { HttpReason } from "../faults.ts";
import { cloudflarePage, proxyPage } from "./html-pages.ts";
import type { ErrorParams, ProviderError, WireResponse } from "./types.ts";
import { jsonError, retryAfterMsOf, retryHeaders } from "./types.ts";

/**
 * OpenAI's errors (reference/providers.md §2): `{"error":{"message","type","param","code"}}` for every
 * status, with real message texts; 502 and 504 are Cloudflare HTML pages. OpenAI has no 529: `overloaded`
 * is sent as a 529 in OpenAI's shape with type and code `overloaded_error` (SPEC §3's signal), so the class
 * stays expressible in headers, bodies and stream frames alike; it is a fleet fault, not a documented OpenAI
 * response. OpenAI's own "engine is overloaded" 503 is `unavailable`.
 */
export function openaiError(reason: Exclude<HttpReason, "proxy">, params: ErrorParams): ProviderError {
  const e = (
    status: number,
    message: string,
    type: string | null,
    code: string | null,
    param: string | null = null,
  ): ProviderError => ({
    status,
    error: { message, type, param, code },
  });
  const wait = retryAfterMsOf(params);
  const again = wait === undefined ? "" : ` Please try again in ${wait}ms.`;
  switch (reason) {
    case "context_overflow":
      return e(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
        "invalid_request_error",
        "context_length_exceeded",
        "messages",
      );
    case "quota_exhausted":
      return e(
        429,
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "insufficient_quota",
        "insufficient_quota",
      );
    case "rate_limit":
      return e(
        429,
        `Rate limit reached for ${params.model} in organization org-fleet on requests per min (RPM): Limit 500, Used 500, Requested 1.${again} Visit https://platform.openai.com/account/rate-limits to learn more.`,
        "requests",
        "rate_limit_exceeded",
      );
    case "overloaded":
      return e(
        529,
        "The server is overloaded. Please try again later.",
        "overloaded_error",
        "overloaded_error",
      );
    // OpenAI sends these two only as Cloudflare pages; in a stream frame (where no status travels) the
    // type and code name the failure instead of the generic `server_error`, so the frame still says what it is.
    case "timeout":
      return e(504, "Request timed out.", "timeout", "timeout");
    case "bad_gateway":
      return e(502, "Bad gateway.", "bad_gateway", "bad_gateway");
    case "unavailable":
      // The newer form of OpenAI's 503 (reference/providers.md §2); the older one had type server_error, code null.
      return e(
        503,
        "The server is overloaded or not ready yet.",
        "service_unavailable_error",
        "server_is_overloaded",
      );
    case "server_error":
      return e(
        500,
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        null,
      );
    case "auth":
      return e(
        401,
        "Incorrect API key provided: fleet-ke***. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
      );
    case "permission":
      return e(
        403,
        "Country, region, or territory not supported",
        "request_forbidden",
        "unsupported_country_region_territory",
      );
    case "model_not_found":
      return e(
        404,
        `The model \`${params.model}\` does not exist or you do not have access to it.`,
        "invalid_request_error",
        "model_not_found",
      );
    case "content_filter":
      return e(
        400,
        "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.",
        "invalid_request_error",
        "content_policy_violation",
      );
    case "invalid_request":
      return e(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        "invalid_request_error",
        "unsupported_parameter",
        "max_tokens",
      );
    default: {
      const unreachable: never = reason;
      throw new TypeError(
        `Failed to build an OpenAI error: unknown reason ${String(unreachable)}. Use one of HTTP_REASONS.`,
      );
    }
  }
}

/** OpenAI's response headers for a request id (the same on success and error). */
export function openaiHeaders(requestId: string): Record<string, string> {
  return {
    "x-request-id": requestId,
    "openai-version": "2020-10-01",
    "openai-organization": "org-fleet",
    "openai-processing-ms": "42",
  };
}

/** OpenAI's error response for a reason (Cloudflare HTML for 502 and gateway timeouts, as OpenAI's edge sends them). */
export function openaiErrorResponse(reason: HttpReason, params: ErrorParams): WireResponse {
  if (reason === "proxy") return proxyPage(params);
  if (reason === "bad_gateway" || reason === "timeout") {
    const page = cloudflarePage(params.status ?? (reason === "timeout" ? 504 : 502), params);
    return { ...page, headers: { ...page.headers, ...retryHeaders(params) }, body: params.body ?? page.body };
  }
  const error = openaiError(reason, params);
  return jsonError(error, { error: error.error }, params, openaiHeaders(params.requestId));
}
