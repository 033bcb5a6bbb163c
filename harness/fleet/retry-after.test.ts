import { describe, expect, it } from "vitest";
import type { Fault } from "./faults.ts";
import { PROVIDER_PROFILES } from "./providers/catalog.ts";
import { bucketResponse, httpErrorParams } from "./retry-after.ts";
import type { ReplyContext } from "./wire/types.ts";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

const ctx: ReplyContext = {
  provider: "openai",
  api: "openai-chat",
  model: "gpt-4.1",
  requestId: "req_fleet_000001",
  nowMs: NOW,
  tokens: ["Hi"],
  promptTokens: 3,
};

const httpError = (extra: Partial<Extract<Fault, { kind: "http_error" }>>) =>
  ({ kind: "http_error", reason: "rate_limit", ...extra }) as Extract<Fault, { kind: "http_error" }>;

describe("httpErrorParams", () => {
  it("passes the model, request id and clock, and nothing the fault does not set", () => {
    expect(httpErrorParams(httpError({}), ctx)).toEqual({
      model: "gpt-4.1",
      requestId: "req_fleet_000001",
      nowMs: NOW,
    });
  });

  it("carries every Retry-After form, the date as an offset from the fleet's now", () => {
    const params = httpErrorParams(
      httpError({
        status: 503,
        retry_after: 2,
        retry_after_ms: 1500,
        retry_after_date: 30_000,
        body: "busy",
        retry_after_in_body: false,
        retry_after_in_headers: false,
      }),
      ctx,
    );
    expect(params).toMatchObject({
      status: 503,
      retryAfterS: 2,
      retryAfterMs: 1500,
      retryAfterAtMs: NOW + 30_000,
      body: "busy",
      retryAfterInBody: false,
      retryAfterInHeaders: false,
    });
  });
});

describe("bucketResponse", () => {
  const bucket = { limit: 5, retryAfterMs: 1_500 };

  it("answers 429 with Retry-After in whole seconds (rounded up) and OpenAI's rate-limit headers", () => {
    const response = bucketResponse(PROVIDER_PROFILES.openai, ctx, bucket);
    expect(response.status).toBe(429);
    expect(response.headers).toMatchObject({
      "retry-after": "2",
      "retry-after-ms": "1500",
      "x-ratelimit-limit-requests": "5",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1.5s",
    });
  });

  it("gives Anthropic's reset as the instant the bucket refills", () => {
    const response = bucketResponse(PROVIDER_PROFILES.anthropic, { ...ctx, provider: "anthropic" }, bucket);
    expect(response.headers).toMatchObject({
      "anthropic-ratelimit-requests-limit": "5",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": new Date(NOW + 1_500).toISOString(),
    });
  });

  it("adds no rate-limit headers for Google, which sends none", () => {
    const response = bucketResponse(PROVIDER_PROFILES.google, { ...ctx, provider: "google" }, bucket);
    expect(Object.keys(response.headers).filter((h) => h.includes("ratelimit"))).toEqual([]);
  });
});
