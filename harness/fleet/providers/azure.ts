import type { HttpReason } from "../faults.ts";
import { proxyPage } from "./html-pages.ts";
import { openaiError } from "./openai.ts";
import type { ErrorParams, ProviderError, WireResponse } from "./types.ts";
import { jsonError, retryAfterMsOf } from "./types.ts";

/**
 * Azure OpenAI's errors (reference/providers.md §7): OpenAI-shaped bodies, but the content filter is a 400
 * with `code:"content_filter"` and an `innererror` naming the filtered category, a 429's `code` is the
 * string `"429"`, and gateway-level failures (bad key, missing deployment) come from Azure's front door in
 * its own `{"error":{"code","message"}}` form.
 */
export function azureError(reason: Exclude<HttpReason, "proxy">, params: ErrorParams): ProviderError {
  const e = (status: number, code: string, message: string): ProviderError => ({
    status,
    error: { code, message },
  });
  const wait = retryAfterMsOf(params);
  switch (reason) {
    case "content_filter":
      return {
        status: 400,
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
          type: null,
          param: "prompt",
          code: "content_filter",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: {
              hate: { filtered: false, severity: "safe" },
              self_harm: { filtered: false, severity: "safe" },
              sexual: { filtered: false, severity: "safe" },
              violence: { filtered: true, severity: "medium" },
            },
          },
        },
      };
    case "rate_limit":
      return e(
        429,
        "429",
        `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier.${wait === undefined ? "" : ` Please retry after ${Math.ceil(wait / 1000)} seconds.`} Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
      );
    case "auth":
      return e(
        401,
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
      );
    case "model_not_found":
      return e(
        404,
        "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      );
    case "permission":
      return e(403, "403", "Traffic is not from an approved private endpoint.");
    case "timeout":
      return e(408, "Timeout", "The operation was timeout.");
    case "bad_gateway":
      return e(502, "BadGateway", "Bad gateway.");
    case "context_overflow":
    case "quota_exhausted":
    case "overloaded":
    case "unavailable":
    case "server_error":
    case "invalid_request":
      // Azure passes these through from the OpenAI service in OpenAI's own shape.
      return openaiError(reason, params);
    default: {
      const unreachable: never = reason;
      throw new TypeError(
        `Failed to build an Azure error: unknown reason ${String(unreachable)}. Use one of HTTP_REASONS.`,
      );
    }
  }
}

/** Azure's response headers for a request id. */
export function azureHeaders(requestId: string): Record<string, string> {
  return {
    "apim-request-id": requestId,
    "x-request-id": requestId,
    "x-ms-region": "Sweden Central",
    "azureml-model-session": "fleet-1",
  };
}

/** Azure OpenAI's error response for a reason. */
export function azureErrorResponse(reason: HttpReason, params: ErrorParams): WireResponse {
  if (reason === "proxy") return proxyPage(params);
  const error = azureError(reason, params);
  return jsonError(error, { error: error.error }, params, azureHeaders(params.requestId));
}
