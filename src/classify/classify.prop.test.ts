import { APICallError } from "@ai-sdk/provider";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { classify } from "./classify.ts";
import { readRetryAfterMs } from "./retry-after.ts";
import { scrubMessage } from "./scrub.ts";
import { ERROR_TYPES, typeOf } from "./taxonomy.ts";

// Fixed so a failure replays exactly; FH_SEED explores (test titles print the seed in use).
const SEED = Number(process.env.FH_SEED ?? 42);

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

const trapAll = (): unknown =>
  new Proxy(
    {},
    {
      get() {
        throw new Error("trap");
      },
      has() {
        throw new Error("trap");
      },
      ownKeys() {
        throw new Error("trap");
      },
      getPrototypeOf() {
        throw new Error("trap");
      },
      getOwnPropertyDescriptor() {
        throw new Error("trap");
      },
    },
  );

/**
 * Values built to trip a careless reader: throwing proxies and getters, cyclic causes, deep nesting. Each is
 * made by a thunk inside the test, because fast-check itself reads generated values (to clone or print them).
 */
const hostile: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.constant(trapAll),
  fc.constant(() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return { error: proxy, cause: proxy };
  }),
  fc.string().map((message) => {
    const e = new Error(message) as Error & { cause?: unknown };
    e.cause = e;
    return () => e;
  }),
  fc.string().map(
    (message) => () =>
      Object.defineProperty({ message }, "status", {
        get() {
          throw new Error("getter");
        },
        enumerable: true,
      }),
  ),
  fc.nat({ max: 400 }).map((depth) => {
    let value: Record<string, unknown> = { message: "bottom", status: 503 };
    for (let i = 0; i < depth; i++) value = { error: value, cause: value, lastError: value };
    return () => value;
  }),
  fc.object({ maxDepth: 8, maxKeys: 6 }).map((value) => () => value),
);

/** Huge and unicode text, bare and wrapped in the shapes classify reads message text from. */
const wildText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc
    .tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 100_000, max: 400_000 }))
    .map(([s, n]) => s.repeat(Math.ceil(n / Math.max(1, s.length))).slice(0, n) || "x".repeat(n)),
);

describe(`classify is total, deterministic and text-blind to numbers (seed=${SEED})`, () => {
  test.prop([hostile], { seed: SEED })(
    "never throws on hostile values (throwing getters, proxies, cyclic causes, deep nesting)",
    (make) => {
      const result = classify(make());
      expect(ERROR_TYPES).toContain(result.type);
      expect(result.message.length).toBeLessThanOrEqual(500);
    },
  );

  test.prop([wildText], { seed: SEED, numRuns: 60 })(
    "never throws on huge or unicode text, bare, in an Error or in a body",
    (text) => {
      for (const value of [
        text,
        new Error(text),
        { status: 400, body: text },
        { type: "error", error: { message: text } },
      ]) {
        const result = classify(value);
        expect(typeOf(result.reason)).toBe(result.type);
        expect(result.message.length).toBeLessThanOrEqual(500);
      }
    },
  );

  test.prop([temptingText, fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constantFrom(18.403, 0.5, 1e6))], {
    seed: SEED,
  })("rewriting the digits inside a message never changes its class", (text, n) => {
    const rewritten = text.replace(/\d+(\.\d+)?/g, String(n));
    const a = classify(new Error(text));
    const b = classify(new Error(rewritten));
    expect({ type: b.type, reason: b.reason }).toEqual({ type: a.type, reason: a.reason });
  });

  test.prop(
    [
      fc.anything({
        withBigInt: true,
        withMap: true,
        withSet: true,
        withDate: true,
        withNullPrototype: true,
      }),
    ],
    { seed: SEED },
  )("gives the same classification for the same input, and for a structural copy of it", (value) => {
    expect(classify(value)).toEqual(classify(value));
    let copy: unknown;
    try {
      copy = structuredClone(value);
    } catch {
      return; // not cloneable: the first assertion is the whole law
    }
    expect(classify(copy)).toEqual(classify(value));
  });
});
