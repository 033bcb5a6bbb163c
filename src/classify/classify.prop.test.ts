import { APICallError } from "@ai-sdk/provider";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { classify } from "./classify.ts";
import { readRetryAfterMs } from "./retry-after.ts";
import { scrubMessage } from "./scrub.ts";
import { ERROR_TYPES, typeOf } from "./taxonomy.ts";

/** Phrases that would decide a class if text were allowed to, plus bare status-looking digits. */
const TEMPTING = [
  "prompt is too long",
  "maximum context length",
  "certificate has expired",
  "getaddrinfo ENOTFOUND",
  "Proxy Authentication Required",
  "insufficient_quota",
  "credit balance is too low",
  "rate limit",
  "Overloaded",
  "Bad Gateway",
  "fetch failed",
  "socket hang up",
  "Internal Server Error",
  "invalid api key",
  "permission denied",
  "model not found",
  "content_filter",
  "aborted",
  "400",
  "401",
  "403",
  "404",
  "407",
  "413",
  "429",
  "502",
  "503",
  "504",
  "529",
];
const temptingText = fc
  .array(fc.oneof(fc.constantFrom(...TEMPTING), fc.string({ maxLength: 20 })), { maxLength: 6 })
  .map((parts) => parts.join(" "));

/** Statuses that decide on their own; 400/422 are excluded on purpose (text may refine them). */
const DECISIVE_STATUSES = [401, 402, 403, 404, 407, 408, 413, 429, 500, 501, 502, 503, 504, 529];

function apiError(statusCode: number, message: string): APICallError {
  return new APICallError({
    message,
    url: "https://api.test/v1",
    requestBodyValues: {},
    statusCode,
    responseHeaders: {},
    responseBody: "",
  });
}

describe("classify properties", () => {
  test.prop([
    fc.anything({
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  ])("never throws and always returns a well-formed classification", (value) => {
    const result = classify(value);
    expect(ERROR_TYPES).toContain(result.type);
    expect(typeOf(result.reason)).toBe(result.type);
    expect(result.message.length).toBeLessThanOrEqual(500);
    expect(
      result.retry_after_ms === null ||
        (Number.isInteger(result.retry_after_ms) && result.retry_after_ms >= 0),
    ).toBe(true);
  });

  test.prop([fc.constantFrom(...DECISIVE_STATUSES), temptingText])(
    "a decisive HTTP status is never overruled by message text",
    (status, text) => {
      expect(classify(apiError(status, text)).reason).toBe(classify(apiError(status, "")).reason);
    },
  );

  test.prop([temptingText])("digits in a message never become a status", (text) => {
    expect(classify(new Error(text)).status).toBeNull();
    expect(classify(text).status).toBeNull();
  });

  test.prop([
    fc.string({ maxLength: 300 }),
    fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/),
    fc.string({ maxLength: 300 }),
  ])("a message never keeps an sk- key, wherever it sits", (before, key, after) => {
    const secret = `sk-${key}`;
    const out = classify(new Error(`${before} ${secret} ${after}`)).message;
    expect(out).not.toContain(secret);
    expect(scrubMessage(out)).toBe(out);
  });

  test.prop([fc.nat({ max: 10_000_000 }), fc.nat({ max: 100_000 })])(
    "reads whole retry-after-ms and retry-after seconds exactly",
    (ms, seconds) => {
      expect(readRetryAfterMs({ headers: { "retry-after-ms": String(ms) } })).toBe(ms);
      expect(readRetryAfterMs({ headers: { "retry-after": String(seconds) } })).toBe(seconds * 1000);
    },
  );

  test.prop([fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600_000 })])(
    "classifies a 429 as quota_exhausted exactly when its Retry-After exceeds the cap",
    (seconds, cap) => {
      const e = new APICallError({
        message: "Too Many Requests",
        url: "https://api.test/v1",
        requestBodyValues: {},
        statusCode: 429,
        responseHeaders: { "retry-after": String(seconds) },
      });
      expect(classify(e, { retry_after_cap_ms: cap }).reason).toBe(
        seconds * 1000 > cap ? "quota_exhausted" : "rate_limit",
      );
    },
  );
});
