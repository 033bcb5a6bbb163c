import { describe, expect, it } from "vitest";
import { classify, DEFAULT_RETRY_AFTER_CAP_MS } from "./classify.ts";

/** A duck-typed APICallError: status, headers and a JSON body, as the AI SDK carries them. */
function apiError(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  message = `HTTP ${status}`,
) {
  return Object.assign(new Error(message), {
    name: "AI_APICallError",
    statusCode: status,
    responseHeaders: headers,
    responseBody: JSON.stringify(body),
  });
}

describe("classify options: the Retry-After cap", () => {
  it("defaults to 60 s", () => {
    expect(DEFAULT_RETRY_AFTER_CAP_MS).toBe(60_000);
  });

  it("accepts a cap of 0, so any wait at all is over it", () => {
    const e = apiError(429, {}, { "retry-after": "1" });
    expect(classify(e, { retry_after_cap_ms: 0 }).reason).toBe("quota_exhausted");
    expect(classify(apiError(429, {}, { "retry-after": "0" }), { retry_after_cap_ms: 0 }).reason).toBe(
      "rate_limit",
    );
  });

  it("keeps the default for a cap that is not a finite number", () => {
    const e = apiError(429, {}, { "retry-after": "61" });
    expect(classify(e, { retry_after_cap_ms: Number.POSITIVE_INFINITY }).reason).toBe("quota_exhausted");
    expect(classify(e, { retry_after_cap_ms: undefined }).reason).toBe("quota_exhausted");
  });
});

describe("classify options: the reference time", () => {
  const at = "Wed, 21 Oct 2026 07:28:30 GMT";

  it("falls back to the date header when now_ms is not finite", () => {
    const e = apiError(429, {}, { "retry-after": at, date: "Wed, 21 Oct 2026 07:28:20 GMT" });
    expect(classify(e, { now_ms: Number.NaN }).retry_after_ms).toBe(10_000);
  });

  it("ignores a date Retry-After when the date header cannot be parsed", () => {
    const e = apiError(429, {}, { "retry-after": at, date: "yesterday-ish" });
    expect(classify(e).retry_after_ms).toBeNull();
  });
});

describe("classify: the wait from the message", () => {
  it("reads headers before any message, then the messages of the chain outermost first", () => {
    const inner = new Error("please try again in 7s");
    const outer = Object.assign(new Error("rate limited, try again in 3s", { cause: inner }), {
      statusCode: 429,
    });
    expect(classify(outer).retry_after_ms).toBe(3000);
    const withHeader = Object.assign(new Error("try again in 3s"), {
      statusCode: 429,
      responseHeaders: { "retry-after": "9" },
    });
    expect(classify(withHeader).retry_after_ms).toBe(9000);
    const innerOnly = Object.assign(new Error("rate limited", { cause: inner }), { statusCode: 429 });
    expect(classify(innerOnly).retry_after_ms).toBe(7000);
  });
});

describe("classify: a 500 the SDK invented", () => {
  it("drops a 500 that the provider's own client-error type contradicts", () => {
    const invented = apiError(500, {
      type: "error",
      error: { type: "invalid_request_error", message: "bad input" },
    });
    expect(classify(invented)).toMatchObject({ status: null, reason: "invalid_request" });
  });

  it("keeps a 500 whose type is a server error, and a client error type under another status", () => {
    const real = apiError(500, { type: "error", error: { type: "api_error", message: "oops" } });
    expect(classify(real)).toMatchObject({ status: 500, reason: "server_error" });
    const badRequest = apiError(400, { error: { type: "invalid_request_error", message: "bad input" } });
    expect(classify(badRequest)).toMatchObject({ status: 400, reason: "invalid_request" });
  });
});

describe("classify: provider_code", () => {
  it("prefers the code, then a detail code, then the type, then the status string", () => {
    const both = apiError(402, {
      error: { type: "billing_error", details: { error_code: "enforced_spend_limit_reached" } },
    });
    expect(classify(both).provider_code).toBe("enforced_spend_limit_reached");
    const codeFirst = apiError(402, { error: { code: "insufficient_quota", details: { error_code: "x" } } });
    expect(classify(codeFirst).provider_code).toBe("insufficient_quota");
  });
});
