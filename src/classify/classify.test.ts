import { APICallError, LoadAPIKeyError } from "@ai-sdk/provider";
import { RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { classify } from "./classify.ts";
import { RULES } from "./rules.ts";
import { StreamFailureError } from "./stream-failure.ts";
import { ERROR_TYPES, typeOf } from "./taxonomy.ts";

const URL_ = "https://api.openai.com/v1/chat/completions";

function apiError(
  statusCode: number | undefined,
  body: unknown,
  message: string,
  headers: Record<string, string> = {},
  cause?: unknown,
) {
  return new APICallError({
    message,
    url: URL_,
    requestBodyValues: {},
    ...(statusCode === undefined ? {} : { statusCode }),
    responseHeaders: headers,
    responseBody: typeof body === "string" ? body : JSON.stringify(body),
    ...(cause === undefined ? {} : { cause }),
  });
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("classify: the rule table", () => {
  it("keeps each tier's rows in the SPEC §3 type order", () => {
    for (const tier of ["signal", "text", "weak"] as const) {
      const order = RULES.filter((r) => r.tier === tier).map((r) => ERROR_TYPES.indexOf(typeOf(r.reason)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});

describe("classify: type order, first match wins", () => {
  it("puts ContextLength before everything: a 429 whose code is context_length_exceeded", () => {
    const e = apiError(
      429,
      { error: { type: "invalid_request_error", code: "context_length_exceeded", message: "x" } },
      "x",
    );
    expect(classify(e).reason).toBe("context_overflow");
  });

  it("puts NetworkPermanent before ProviderRateLimit: a TLS cause under a 429 wrapper", () => {
    const e = new TypeError("fetch failed", {
      cause: apiError(
        429,
        "",
        "Too Many Requests",
        {},
        systemError("CERT_HAS_EXPIRED", "certificate has expired"),
      ),
    });
    expect(classify(e)).toMatchObject({ type: "NetworkPermanent", reason: "tls" });
  });

  it("puts ProviderRateLimit before NetworkTransient: a 429 wrapped in a connection error", () => {
    const e = new TypeError("fetch failed", { cause: apiError(429, "", "Too Many Requests") });
    expect(classify(e)).toMatchObject({ type: "ProviderRateLimit", reason: "rate_limit", status: 429 });
  });

  it("puts NetworkTransient before ProviderError: a 503 whose body type is server_error", () => {
    const e = apiError(
      503,
      { error: { type: "server_error", message: "The engine is currently overloaded" } },
      "overloaded",
    );
    expect(classify(e)).toMatchObject({ type: "NetworkTransient", reason: "unavailable" });
  });

  it("puts ProviderError before LogicError: a 403 without moderation metadata", () => {
    expect(classify(apiError(403, { error: { code: 403, message: "forbidden" } }, "forbidden")).reason).toBe(
      "permission",
    );
  });

  it("lets moderation metadata make a 403 a content filter", () => {
    const body = {
      error: { code: 403, message: "flagged", metadata: { reasons: ["hate"], flagged_input: "…" } },
    };
    expect(classify(apiError(403, body, "flagged"))).toMatchObject({
      type: "LogicError",
      reason: "content_filter",
      status: 403,
    });
  });

  it("classifies a RetryError by its lastError", () => {
    const e = new RetryError({
      message: "Failed after 2 attempts",
      reason: "maxRetriesExceeded",
      errors: [
        apiError(500, "", "Internal Server Error"),
        apiError(
          529,
          { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
          "Overloaded",
        ),
      ],
    });
    expect(classify(e)).toMatchObject({
      reason: "overloaded",
      status: 529,
      provider_code: "overloaded_error",
    });
  });

  it("classifies a RetryError with reason abort as aborted, whatever its attempts failed with", () => {
    const e = new RetryError({
      message: "Aborted",
      reason: "abort",
      errors: [apiError(429, "", "Too Many Requests")],
    });
    expect(classify(e)).toMatchObject({ type: "LogicError", reason: "aborted" });
  });

  it("maps a StreamFailureError to NetworkTransient with its own reason", () => {
    expect(classify(new StreamFailureError("stream_stall"))).toMatchObject({
      type: "NetworkTransient",
      reason: "stream_stall",
    });
    expect(
      classify(new StreamFailureError("ttft_timeout", "no token", { cause: new Error("x") })).reason,
    ).toBe("ttft_timeout");
  });

  it("recognises a duck-typed APICallError by name, without the class", () => {
    const duck = {
      name: "AI_APICallError",
      message: "Too Many Requests",
      statusCode: 429,
      responseHeaders: { "Retry-After": "3" },
    };
    expect(classify(duck)).toMatchObject({ reason: "rate_limit", status: 429, retry_after_ms: 3000 });
  });

  it("recognises a LoadAPIKeyError as auth", () => {
    expect(classify(new LoadAPIKeyError({ message: "missing" })).reason).toBe("auth");
  });
});

describe("classify: structured signals beat text", () => {
  it("keeps a 500 a server error even when its message talks about context length", () => {
    expect(classify(apiError(500, "", "maximum context length exceeded upstream")).reason).toBe(
      "server_error",
    );
  });

  it("keeps a 429 a rate limit even when its message says 'invalid api key'", () => {
    expect(classify(apiError(429, "", "invalid api key for this tier")).reason).toBe("rate_limit");
  });

  it("keeps a cause code ahead of the message: ENOTFOUND under 'fetch failed'", () => {
    expect(
      classify(new TypeError("fetch failed", { cause: systemError("ENOTFOUND", "getaddrinfo ENOTFOUND x") }))
        .reason,
    ).toBe("dns");
  });

  it("lets text refine a bare 400: credit balance, context, region", () => {
    expect(
      classify(apiError(400, "", "Your credit balance is too low to access the Anthropic API.")).reason,
    ).toBe("quota_exhausted");
    expect(classify(apiError(400, "", "prompt is too long: 208656 tokens > 200000 maximum")).reason).toBe(
      "context_overflow",
    );
    expect(classify(apiError(400, "", "User location is not supported for the API use.")).reason).toBe(
      "permission",
    );
    expect(classify(apiError(400, "", "Bad Request")).reason).toBe("invalid_request");
  });

  it("uses text only when nothing structured decides", () => {
    expect(classify(new Error("socket hang up")).reason).toBe("connection");
    expect(classify(new Error("Rate limit exceeded")).reason).toBe("rate_limit");
    expect(classify(new Error("something odd")).reason).toBe("unknown");
  });
});

describe("classify: numbers inside a message never decide", () => {
  it("reads a 429 saying 'try again in 18.403s' as a rate limit with that wait", () => {
    const e = apiError(429, "", "Please try again in 18.403s.");
    expect(classify(e)).toMatchObject({ reason: "rate_limit", status: 429, retry_after_ms: 18403 });
  });

  it("reads 'fetch failed … 403' without a status as a connection error", () => {
    expect(classify(new TypeError("fetch failed: upstream said 403"))).toMatchObject({
      reason: "connection",
      status: null,
    });
  });

  it("does not turn 'Error 502', '429' or '401 Unauthorized-ish' digits into statuses", () => {
    expect(classify("Error 502")).toMatchObject({ reason: "unknown", status: null });
    expect(classify(new Error("code 429"))).toMatchObject({ reason: "unknown", status: null });
    expect(classify(429)).toMatchObject({ reason: "unknown", status: null });
  });
});

describe("classify: Retry-After and the cap", () => {
  it("classifies a Retry-After above the default 60 s cap as quota_exhausted", () => {
    expect(classify(apiError(429, "", "Too Many Requests", { "retry-after": "61" }))).toMatchObject({
      reason: "quota_exhausted",
      retry_after_ms: 61000,
    });
    expect(classify(apiError(429, "", "Too Many Requests", { "retry-after": "60" })).reason).toBe(
      "rate_limit",
    );
  });

  it("honours a custom cap in both directions", () => {
    const e = apiError(429, "", "Too Many Requests", { "retry-after": "30" });
    expect(classify(e, { retry_after_cap_ms: 10_000 }).reason).toBe("quota_exhausted");
    expect(classify(e, { retry_after_cap_ms: 120_000 }).reason).toBe("rate_limit");
  });

  it("ignores an invalid cap and keeps the default", () => {
    const e = apiError(429, "", "Too Many Requests", { "retry-after": "30" });
    expect(classify(e, { retry_after_cap_ms: Number.NaN }).reason).toBe("rate_limit");
    expect(classify(e, { retry_after_cap_ms: -1 }).reason).toBe("rate_limit");
  });

  it("makes even a 503 quota_exhausted when its Retry-After is above the cap (ProviderRateLimit is tested first)", () => {
    expect(classify(apiError(503, "", "Service Unavailable", { "retry-after": "3600" })).reason).toBe(
      "quota_exhausted",
    );
  });

  it("measures an HTTP-date Retry-After from now_ms, else from the date header, else ignores it", () => {
    const at = "Wed, 21 Oct 2026 07:28:30 GMT";
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(classify(apiError(429, "", "x", { "retry-after": at }), { now_ms: now }).retry_after_ms).toBe(
      30000,
    );
    expect(
      classify(apiError(429, "", "x", { "retry-after": at, date: "Wed, 21 Oct 2026 07:28:20 GMT" }))
        .retry_after_ms,
    ).toBe(10000);
    expect(classify(apiError(429, "", "x", { "retry-after": at })).retry_after_ms).toBeNull();
  });

  it("prefers now_ms over the response's date header", () => {
    const e = apiError(429, "", "x", {
      "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT",
      date: "Wed, 21 Oct 2026 07:28:20 GMT",
    });
    expect(classify(e, { now_ms: Date.parse("Wed, 21 Oct 2026 07:28:25 GMT") }).retry_after_ms).toBe(5000);
  });
});

describe("classify: output fields", () => {
  it("reports provider_code from the body's code, else its type, else Gemini's status", () => {
    expect(
      classify(
        apiError(
          429,
          { error: { type: "insufficient_quota", code: "insufficient_quota", message: "q" } },
          "q",
        ),
      ).provider_code,
    ).toBe("insufficient_quota");
    expect(classify({ type: "overloaded_error", message: "Overloaded" }).provider_code).toBe(
      "overloaded_error",
    );
    expect(classify({ error: { code: 429, message: "x", status: "RESOURCE_EXHAUSTED" } }).provider_code).toBe(
      "RESOURCE_EXHAUSTED",
    );
    expect(
      classify(new TypeError("fetch failed", { cause: systemError("ECONNRESET", "read ECONNRESET") }))
        .provider_code,
    ).toBeNull();
  });

  it("maps a Gemini status string to its HTTP status when no number is given", () => {
    expect(classify({ error: { message: "x", status: "PERMISSION_DENIED" } })).toMatchObject({
      reason: "permission",
      status: 403,
    });
  });

  it("scrubs credentials from the message and keeps it within 500 characters", () => {
    const key = "sk-proj-AbCdEf0123456789AbCdEf0123456789";
    const result = classify(apiError(401, "", `Incorrect API key provided: ${key}. ${"x".repeat(2000)}`));
    expect(result.reason).toBe("auth");
    expect(result.message).not.toContain(key);
    expect(result.message).toContain("[redacted]");
    expect(result.message.length).toBeLessThanOrEqual(500);
  });

  it("scrubs a Gemini key from a URL in a network error message", () => {
    const e = new TypeError("fetch failed", {
      cause: systemError(
        "ECONNRESET",
        "request to https://generativelanguage.googleapis.com/v1beta/models/x?key=AIzaSyA1234567890abcdefghijklmnopqrstu failed",
      ),
    });
    expect(classify(e).message).toBe("fetch failed");
    expect(classify(e.cause).message).not.toContain("AIzaSy");
  });

  it("gives a bare Response a message naming its status", () => {
    expect(classify(new Response(null, { status: 502 }))).toMatchObject({
      reason: "bad_gateway",
      message: "HTTP 502",
    });
  });
});

describe("classify: totality", () => {
  const throwing = () => {
    throw new Error("boom");
  };
  const hostile: Array<[string, unknown]> = [
    ["null", null],
    ["undefined", undefined],
    ["a symbol", Symbol("s")],
    ["a bigint", 10n],
    ["NaN", Number.NaN],
    ["a function", () => 1],
    [
      "a proxy whose every trap throws",
      new Proxy(
        {},
        {
          get: throwing,
          has: throwing,
          ownKeys: throwing,
          getPrototypeOf: throwing,
          getOwnPropertyDescriptor: throwing,
        },
      ),
    ],
    [
      "a revoked proxy",
      (() => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy;
      })(),
    ],
    [
      "an object with throwing getters",
      Object.defineProperties(
        {},
        {
          message: { get: throwing, enumerable: true },
          status: { get: throwing, enumerable: true },
          cause: { get: throwing },
        },
      ),
    ],
    [
      "an error whose cause is itself",
      (() => {
        const e: Error & { cause?: unknown } = new Error("loop");
        e.cause = e;
        return e;
      })(),
    ],
    [
      "a two-error cycle",
      (() => {
        const a: Error & { cause?: unknown } = new Error("a");
        const b: Error & { cause?: unknown } = new Error("b", { cause: a });
        a.cause = b;
        return a;
      })(),
    ],
    [
      "a cyclic plain object",
      (() => {
        const o: Record<string, unknown> = { type: "error" };
        o["error"] = o;
        return o;
      })(),
    ],
    ["a 5 MB string", "x".repeat(5_000_000)],
    ["an error with a 5 MB message", new Error("rate limit ".repeat(500_000))],
    ["an APICallError with a 1 MB body", apiError(500, `{"error":"${"y".repeat(1_000_000)}"}`, "big")],
    ["headers that throw", { status: 429, headers: { forEach: throwing, get: throwing } }],
    [
      "a Headers-like Map with odd values",
      {
        status: 429,
        headers: new Map<unknown, unknown>([
          [1, 2],
          ["retry-after", { toString: throwing }],
        ]),
      },
    ],
    [
      "a deep cause chain",
      Array.from({ length: 1000 }).reduce<unknown>((cause, _, i) => new Error(`e${i}`, { cause }), null),
    ],
    ["an object with a throwing toString", { toString: throwing, [Symbol.toPrimitive]: throwing }],
  ];

  it.each(hostile)("never throws on %s and returns a well-formed result", (_label, value) => {
    const result = classify(value);
    expect(ERROR_TYPES).toContain(result.type);
    expect(typeOf(result.reason)).toBe(result.type);
    expect(result.message.length).toBeLessThanOrEqual(500);
    expect(result.status === null || (Number.isInteger(result.status) && result.status >= 100)).toBe(true);
  });

  it("is deterministic: the same input gives the same result", () => {
    const e = apiError(
      429,
      { error: { code: "rate_limit_exceeded", message: "Please try again in 1s" } },
      "slow down",
      { "retry-after-ms": "12" },
    );
    expect(classify(e)).toEqual(classify(e));
  });

  it("does not mutate its input", () => {
    const part = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    const copy = structuredClone(part);
    classify(part);
    expect(part).toEqual(copy);
  });
});

describe("classify: OpenRouter's numeric body code (docs/decisions.md)", () => {
  // reference/providers.md: OpenRouter bodies are `{error:{code:<number = HTTP status>, message}}`.
  const credits = {
    error: {
      code: 402,
      message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
    },
  };
  const openRouterError = (statusCode: number) =>
    new APICallError({
      message: credits.error.message,
      url: "https://openrouter.ai/api/v1/chat/completions",
      requestBodyValues: {},
      statusCode,
      responseHeaders: { "content-type": "application/json" },
      responseBody: JSON.stringify(credits),
    });

  it("reads an HTTP 402 as quota_exhausted (SPEC §3 'OpenRouter 402')", () => {
    expect(classify(openRouterError(402))).toMatchObject({ reason: "quota_exhausted", status: 402 });
  });

  it("reads code 402 without an error status (HTTP 200 body, in-band stream chunk) as quota_exhausted", () => {
    const body = {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(credits),
    };
    expect(classify(body)).toMatchObject({ reason: "quota_exhausted", status: 402 });
    const chunk = {
      id: "gen-1",
      choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
      ...credits,
    };
    expect(classify(chunk)).toMatchObject({ reason: "quota_exhausted", status: 402 });
  });

  it("lets the real HTTP status decide when the body code contradicts it: 429 with code 402 is a rate limit", () => {
    expect(classify(openRouterError(429))).toMatchObject({ reason: "rate_limit", status: 429 });
  });
});

describe("classify: the result object", () => {
  const secret = "Incorrect API key provided: sk-abcdefghijklmnop";

  it("has the six fields as own enumerable properties, message last and scrubbed, for spread and JSON", () => {
    const result = classify(apiError(401, { error: { code: "invalid_api_key", message: secret } }, secret));
    expect(Object.keys(result)).toEqual([
      "type",
      "reason",
      "status",
      "retry_after_ms",
      "provider_code",
      "message",
    ]);
    const plain = {
      type: "ProviderError",
      reason: "auth",
      status: 401,
      retry_after_ms: null,
      provider_code: "invalid_api_key",
      message: "Incorrect API key provided: [redacted]",
    };
    expect({ ...result }).toEqual(plain);
    expect(JSON.parse(JSON.stringify(result))).toEqual(plain);
    expect(JSON.stringify(result)).toBe(JSON.stringify(plain));
  });

  it("shares one message getter across results (one hidden class, not a dictionary object per result)", () => {
    const getter = (value: unknown): unknown => {
      const descriptor: { get?: unknown } | undefined = Object.getOwnPropertyDescriptor(
        classify(value),
        "message",
      );
      return descriptor?.get;
    };
    const first = getter(new Error(secret));
    expect(first).toBeTypeOf("function");
    expect(Object.getOwnPropertyDescriptor(classify(new Error(secret)), "message")?.enumerable).toBe(true);
    expect(getter({ status: 503 })).toBe(first);
  });

  it("keeps the message when the result is copied, and gives a copy of its descriptors an empty one, not a throw", () => {
    const result = classify(new Error("Upstream said no"));
    expect({ ...result }.message).toBe("Upstream said no");
    expect(structuredClone({ ...result }).message).toBe("Upstream said no");
    const copied = Object.defineProperties({}, Object.getOwnPropertyDescriptors(result)) as {
      message: string;
    };
    expect(copied.message).toBe("");
  });
});
