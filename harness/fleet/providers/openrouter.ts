import type { HttpReason } from "../faults.ts";
import { proxyPage } from "./html-pages.ts";
import type { ErrorParams, ProviderError, WireResponse } from "./types.ts";
import { jsonError, retryAfterMsOf } from "./types.ts";

/**
 * OpenRouter's errors (reference/providers.md §7): `{"error":{"code":<HTTP status>,"message","metadata"?}}`.
 * Credits are a 402; moderation is a 403 whose metadata names the reasons (SPEC §3 `content_filter`); a
 * 403 without it is `permission`. Upstream failures carry `metadata.provider_name` and `raw`.
 */
export function openrouterError(reason: Exclude<HttpReason, "proxy">, params: ErrorParams): ProviderError {
  const e = (code: number, message: string, metadata?: Record<string, unknown>): ProviderError => ({
    status: code,
    error: { code, message, ...(metadata === undefined ? {} : { metadata }) },
  });
  const upstream = (raw: string): Record<string, unknown> => ({ provider_name: "Fleet", raw });
  const wait = retryAfterMsOf(params);
  switch (reason) {
    case "context_overflow":
      return e(
        400,
        `This endpoint's maximum context length is 128000 tokens. However, you requested about 130512 tokens (130000 of text input, 512 in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`,
      );
    case "quota_exhausted":
      return e(
        402,
        "Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits",
      );
    case "rate_limit":
      return e(
        429,
        `Rate limit exceeded: free-models-per-min.${wait === undefined ? "" : ` Please try again in ${wait}ms.`}`,
        { headers: { "X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0" } },
      );
    case "overloaded":
      return e(
        529,
        "Provider returned error",
        upstream('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
      );
    case "timeout":
      return e(408, "Timed out");
    case "bad_gateway":
      return e(502, "Provider returned error", upstream("Bad Gateway"));
    case "unavailable":
      return e(503, "No endpoints available for this model right now. Please try again later.");
    case "server_error":
      return e(500, "Internal Server Error");
    case "auth":
      return e(401, "No auth credentials found");
    case "permission":
      return e(403, "This model is not available in your region.");
    case "model_not_found":
      return e(404, `No endpoints found for ${params.model}.`);
    case "content_filter":
      return e(
        403,
        `${params.model} requires moderation on OpenRouter. Your input was flagged for "violence".`,
        {
          reasons: ["violence"],
          flagged_input: "…",
          provider_name: "Fleet",
          model_slug: params.model,
        },
      );
    case "invalid_request":
      return e(
        400,
        "Provider returned error",
        upstream('{"error":{"message":"Invalid value for \'temperature\'."}}'),
      );
    default: {
      const unreachable: never = reason;
      throw new TypeError(
        `Failed to build an OpenRouter error: unknown reason ${String(unreachable)}. Use one of HTTP_REASONS.`,
      );
    }
  }
}

/** OpenRouter's response headers. */
export function openrouterHeaders(requestId: string): Record<string, string> {
  return { "x-request-id": requestId, "x-generation-id": `gen-${requestId}` };
}

/** OpenRouter's error response for a reason. */
export function openrouterErrorResponse(reason: HttpReason, params: ErrorParams): WireResponse {
  if (reason === "proxy") return proxyPage(params);
  const error = openrouterError(reason, params);
  return jsonError(
    error,
    { error: error.error, user_id: "user_fleet" },
    params,
    openrouterHeaders(params.requestId),
  );
}
