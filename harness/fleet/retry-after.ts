import type { Fault } from "./faults.ts";
import { goDuration, type ProviderProfile } from "./providers/catalog.ts";
import type { ErrorParams, WireResponse } from "./providers/types.ts";
import type { BucketVerdict } from "./schedule.ts";
import type { ReplyContext } from "./wire/types.ts";

/**
 * What an error answer tells a client about when to come back: the Retry-After forms an `http_error` fault
 * asks for, and an empty token bucket's 429 with the provider's rate-limit headers. Kept apart from the
 * reply planning (`plan.ts`) because these values are what the safety checks hold engines to.
 */

/** The parameters every error answer needs: the model, the request id and the fleet's clock. */
export function errorParams(ctx: ReplyContext): ErrorParams {
  return { model: ctx.model, requestId: ctx.requestId, nowMs: ctx.nowMs };
}

/**
 * An `http_error` fault's answer parameters. `retry_after_date` is an offset from now: the fault is
 * written before the run, the date must be in the fleet's future when the answer is sent.
 */
export function httpErrorParams(
  fault: Extract<Fault, { kind: "http_error" }>,
  ctx: ReplyContext,
): ErrorParams {
  return {
    ...errorParams(ctx),
    ...(fault.status === undefined ? {} : { status: fault.status }),
    ...(fault.retry_after === undefined ? {} : { retryAfterS: fault.retry_after }),
    ...(fault.retry_after_ms === undefined ? {} : { retryAfterMs: fault.retry_after_ms }),
    ...(fault.retry_after_date === undefined ? {} : { retryAfterAtMs: ctx.nowMs + fault.retry_after_date }),
    ...(fault.body === undefined ? {} : { body: fault.body }),
    ...(fault.retry_after_in_body === undefined ? {} : { retryAfterInBody: fault.retry_after_in_body }),
    ...(fault.retry_after_in_headers === undefined
      ? {}
      : { retryAfterInHeaders: fault.retry_after_in_headers }),
  };
}

/** The 429 of an empty token bucket, with Retry-After and the provider's rate-limit headers. */
export function bucketResponse(
  profile: ProviderProfile,
  ctx: ReplyContext,
  bucket: BucketVerdict,
): WireResponse {
  const response = profile.errorResponse("rate_limit", {
    ...errorParams(ctx),
    retryAfterMs: bucket.retryAfterMs,
    retryAfterS: Math.ceil(bucket.retryAfterMs / 1000),
  });
  const reset = ctx.nowMs + bucket.retryAfterMs;
  const limits: Record<string, string> =
    profile.name === "anthropic"
      ? {
          "anthropic-ratelimit-requests-limit": String(bucket.limit),
          "anthropic-ratelimit-requests-remaining": "0",
          "anthropic-ratelimit-requests-reset": new Date(reset).toISOString(),
        }
      : profile.name === "google"
        ? {}
        : {
            "x-ratelimit-limit-requests": String(bucket.limit),
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": goDuration(bucket.retryAfterMs),
          };
  return { ...response, headers: { ...response.headers, ...limits } };
}
