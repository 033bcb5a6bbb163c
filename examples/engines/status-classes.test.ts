import { APICallError } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { decide, retryAfterMs, statusClass } from "./status-classes.ts";

function apiError(statusCode: number, responseHeaders: Record<string, string> = {}): APICallError {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: "http://127.0.0.1/v1/responses",
    requestBodyValues: {},
    statusCode,
    responseHeaders,
  });
}

const settings = { actions: {}, retry_after_cap_ms: 60_000 };
const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("retryAfterMs", () => {
  it("reads retry-after-ms before retry-after, seconds, and an HTTP date against the clock", () => {
    expect(retryAfterMs(apiError(429, { "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
    expect(retryAfterMs(apiError(429, { "retry-after": "2" }), NOW)).toBe(2000);
    expect(retryAfterMs(apiError(429, { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }), NOW)).toBe(7000);
  });

  it("ignores a negative or unparseable value, and an error without headers", () => {
    expect(retryAfterMs(apiError(429, { "retry-after": "-3" }), NOW)).toBeUndefined();
    expect(retryAfterMs(apiError(429, { "retry-after": "soon" }), NOW)).toBeUndefined();
    expect(retryAfterMs(new Error("fetch failed"), NOW)).toBeUndefined();
  });

  it("looks through a RetryError to its last error", () => {
    const wrapped = { lastError: apiError(429, { "retry-after": "3" }) };
    expect(retryAfterMs(wrapped, NOW)).toBe(3000);
  });
});

describe("decide", () => {
  it("trips at once on auth, permission and model-not-found, counts a server error, not an invalid request", () => {
    expect([401, 403, 404].map((status) => statusClass(apiError(status)).breaker)).toEqual([
      "trip",
      "trip",
      "trip",
    ]);
    expect(statusClass(apiError(500)).breaker).toBe("failure");
    expect(statusClass(apiError(400)).breaker).toBe("none");
  });

  it("retries a 429 whose Retry-After is within the cap, and treats one above it as an exhausted quota", () => {
    expect(decide(apiError(429, { "retry-after": "60" }), settings, NOW)).toMatchObject({
      type: "ProviderRateLimit",
      action: "retry",
      breaker: "failure",
    });
    expect(decide(apiError(429, { "retry-after": "61" }), settings, NOW)).toMatchObject({
      type: "ProviderRateLimit",
      action: "fallback",
      breaker: "trip",
    });
  });

  it("applies the config's actions, and compact becomes fallback", () => {
    expect(
      decide(apiError(503), { ...settings, actions: { NetworkTransient: "fallback" } }, NOW).action,
    ).toBe("fallback");
    expect(decide(apiError(413), settings, NOW).action).toBe("fallback");
  });
});
