import { APICallError } from "@ai-sdk/provider";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadCorpus, materialize } from "../../fixtures/error-corpus/materialize.ts";
import { readApiCallErrorLayer } from "./api-call-error.ts";
import { AI_SDK_BRANDS, readLayer } from "./layer.ts";
import { readSignals, readSignalsByWalk } from "./signals.ts";

// Fixed so a failure replays exactly; FH_SEED explores (test titles print the seed in use).
const SEED = Number(process.env.FH_SEED ?? 42);

const corpus = loadCorpus();

/** The corpus's real provider error bodies (OpenAI, Azure, Anthropic, Gemini, OpenRouter, Mistral, …). */
const CORPUS_BODIES = corpus.flatMap((entry) =>
  entry.input.kind === "APICallError" && entry.input.responseBody !== undefined
    ? [entry.input.responseBody]
    : [],
);

/** Bodies the corpus may lack: gateway pages, plain text, Gemini RetryInfo, nested and flat shapes. */
const EXTRA_BODIES = [
  "",
  "   ",
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>",
  "upstream connect error or disconnect/reset before headers",
  "Internal Server Error",
  "null",
  "[1,2]",
  "{not json",
  '{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34.4s"},{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}}',
  '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}',
  '{"type":"error","error":{"type":"invalid_request_error","message":"credit","details":{"error_code":"enforced_spend_limit_reached"}}}',
  '{"error":{"code":403,"message":"flagged","metadata":{"reasons":["hate"],"flagged_input":"x"}}}',
  '{"error":{"message":"filtered","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}',
  '{"object":"error","message":"Service unavailable","type":"service_unavailable_error","param":null,"code":"1000"}',
  '{"message":"Too many requests","code":"ECONNRESET","statusCode":"503"}',
  '{"type":"response.failed","response":{"error":{"code":"server_error","message":"failed"}}}',
  '{"error":"plain string error","message":"outer"}',
];

const TEXT_HINTS = [
  "Please try again in 644ms.",
  "try again in 1.5s",
  "retry after 20 seconds",
  "Please retry in 34.396152627s",
  "try again in 6m0s",
  "Rate limit reached",
  "maximum context length",
  "overloaded",
  "fetch failed",
  "sk-abcdefghijklmnop",
];

const message = fc
  .array(fc.oneof(fc.constantFrom(...TEXT_HINTS), fc.string({ maxLength: 12 })), { maxLength: 4 })
  .map((parts) => parts.join(" "));

const status = fc.oneof(
  fc.constantFrom(200, 400, 401, 402, 403, 404, 407, 408, 409, 413, 422, 429, 500, 502, 503, 504, 520, 529),
  fc.integer({ min: -5, max: 1000 }),
  fc.constantFrom(Number.NaN, 500.5, Number.POSITIVE_INFINITY),
);

const headerName = fc.constantFrom(
  "retry-after",
  "Retry-After",
  "retry-after-ms",
  "RETRY-AFTER-MS",
  "date",
  "content-type",
  "x-request-id",
);
const headerValue = fc.oneof(
  fc.constantFrom(
    "0",
    "1.5",
    "30",
    "120",
    "-5",
    " 12 ",
    "1e3",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Thu, 01 Jan 1970 00:00:10 GMT",
    "text/html; charset=utf-8",
    "application/json",
  ),
  fc.string({ maxLength: 10 }),
);
const headers = fc.option(fc.dictionary(headerName, headerValue, { maxKeys: 5 }), { nil: undefined });

const body = fc.oneof(
  fc.constantFrom(...CORPUS_BODIES, ...EXTRA_BODIES),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 30 }),
);

/** How `data` relates to the body: absent, the body parsed (what the SDK does), or something else. */
const dataKind = fc.oneof(
  fc.constant({ kind: "none" } as const),
  fc.constant({ kind: "parsed" } as const),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "other", value }) as const),
);

/** A cause: none, a primitive (the walk stops there), or an object (the walk goes on: not the fast path). */
const cause = fc.oneof(
  fc.constant({ kind: "none" } as const),
  fc.constantFrom(null, "socket hang up", 42).map((value) => ({ kind: "primitive", value }) as const),
  fc
    .constantFrom("ECONNRESET", "ENOTFOUND", "CERT_HAS_EXPIRED")
    .map((code) => ({ kind: "system", code }) as const),
  fc.constant({ kind: "api" } as const),
);

const spec = fc.record({
  message,
  statusCode: fc.option(status, { nil: undefined }),
  responseHeaders: headers,
  responseBody: fc.option(body, { nil: undefined }),
  data: dataKind,
  cause,
  isRetryable: fc.option(fc.boolean(), { nil: undefined }),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function causeOf(c: Spec["cause"]): unknown {
  switch (c.kind) {
    case "none":
      return undefined;
    case "primitive":
      return c.value;
    case "system":
      return Object.assign(new Error(`connect ${c.code}`), { code: c.code });
    case "api":
      return new APICallError({ message: "inner", url: "u", requestBodyValues: {}, statusCode: 429 });
  }
}

/** A real `APICallError`, built inside the test (fast-check reads the values it generates). */
function build(s: Spec): APICallError {
  const data =
    s.data.kind === "parsed" ? parsed(s.responseBody) : s.data.kind === "other" ? s.data.value : undefined;
  return new APICallError({
    message: s.message,
    url: "https://api.test/v1/chat/completions",
    requestBodyValues: {},
    ...(s.statusCode === undefined ? {} : { statusCode: s.statusCode }),
    ...(s.responseHeaders === undefined ? {} : { responseHeaders: s.responseHeaders }),
    ...(s.responseBody === undefined ? {} : { responseBody: s.responseBody }),
    ...(s.isRetryable === undefined ? {} : { isRetryable: s.isRetryable }),
    ...(data === undefined ? {} : { data }),
    ...(s.cause.kind === "none" ? {} : { cause: causeOf(s.cause) }),
  });
}

/** Keys the fast path must find absent or read as the generic reader does. */
const PERTURBED_KEYS = [
  "name",
  "message",
  "statusCode",
  "responseHeaders",
  "headers",
  "responseBody",
  "data",
  "cause",
  "error",
  "status",
  "body",
  "code",
  "errno",
  "statusText",
  "type",
  "details",
  "innererror",
  "failureReason",
  "metadata",
  "response",
  "finishReason",
  "finish_reason",
  "stop_reason",
  "delta",
  "choices",
  "candidates",
  "incomplete_details",
  "promptFeedback",
  "providerMetadata",
  "reason",
  "value",
] as const;

/** Every brand the generic reader knows: one added there is tested here. */
const BRANDS = AI_SDK_BRANDS;

/** Values that mean something to the generic reader under each key (a JSON value rarely does). */
const MEANINGFUL: Record<(typeof PERTURBED_KEYS)[number], readonly unknown[]> = {
  name: ["AI_RetryError", "StreamFailureError", "TypeError", ""],
  message: ["", "  ", "try again in 3s", 7],
  statusCode: ["429", 503, 200, undefined],
  responseHeaders: [undefined, null, { "Retry-After": "5" }, [["retry-after-ms", "250"]]],
  headers: [
    { "retry-after": "7" },
    { date: "Thu, 01 Jan 1970 00:00:10 GMT", "retry-after": "Thu, 01 Jan 1970 00:00:20 GMT" },
  ],
  responseBody: ['{"error":{"type":"rate_limit_error"}}', "<html>cloudflare</html>", 5],
  data: [null, { error: { code: "insufficient_quota" } }, '{"error":{"status":"UNAVAILABLE"}}'],
  cause: [null, "x", { code: "ECONNRESET" }, Object.assign(() => undefined, { code: "ETIMEDOUT" })],
  error: [{ type: "overloaded_error", message: "Overloaded" }, "boom"],
  status: [429, 200, "RESOURCE_EXHAUSTED"],
  body: ['{"error":{"code":"context_length_exceeded"}}', { error: { type: "overloaded_error" } }],
  code: ["ECONNRESET", "insufficient_quota", "429"],
  errno: ["ECONNREFUSED", -111],
  statusText: ["Too Many Requests", "Service Unavailable"],
  type: ["rate_limit_error", "error"],
  details: [{ error_code: "enforced_spend_limit_reached" }, [{ reason: "API_KEY_INVALID" }]],
  innererror: [{ code: "ResponsibleAIPolicyViolation" }],
  failureReason: ["context-length-exceeded"],
  metadata: [{ reasons: ["hate"] }, { flagged_input: "x" }],
  response: [{ error: { code: "server_error" } }, { incomplete_details: { reason: "content_filter" } }],
  finishReason: ["content-filter", { unified: "length", raw: "max_tokens" }],
  finish_reason: ["content_filter"],
  stop_reason: ["refusal"],
  delta: [{ stop_reason: "refusal" }],
  choices: [[{ finish_reason: "content_filter" }]],
  candidates: [[{ finishReason: "SAFETY" }]],
  incomplete_details: [{ reason: "content_filter" }],
  promptFeedback: [{ blockReason: "SAFETY" }],
  providerMetadata: [{ google: { promptFeedback: { blockReason: "OTHER" } } }],
  reason: ["abort", "stream_cut"],
  value: [{ error: { code: 500 } }],
};

/** One change to a real error that may or may not take it off the fast path. */
const perturbation = fc.oneof(
  fc.constantFrom(...PERTURBED_KEYS).chain((key) =>
    fc.record({
      kind: fc.constant("set" as const),
      key: fc.constant(key),
      value: fc.oneof(fc.constantFrom(...MEANINGFUL[key]), fc.jsonValue({ maxDepth: 2 })),
    }),
  ),
  fc.record({ kind: fc.constant("throwing getter" as const), key: fc.constantFrom(...PERTURBED_KEYS) }),
  fc.record({
    kind: fc.constant("inherited" as const),
    key: fc.constantFrom(...PERTURBED_KEYS),
    value: fc.jsonValue({ maxDepth: 1 }),
  }),
  fc.record({ kind: fc.constant("brand" as const), brand: fc.constantFrom(...BRANDS), value: fc.boolean() }),
  fc.constant({ kind: "pure proxy" as const }),
  fc.constant({ kind: "throwing proxy" as const }),
  fc.constant({ kind: "plain copy" as const }),
);
type Perturbation = typeof perturbation extends fc.Arbitrary<infer T> ? T : never;

function perturb(e: APICallError, p: Perturbation): unknown {
  const target = e as unknown as Record<PropertyKey, unknown>;
  switch (p.kind) {
    case "set":
      target[p.key] = p.value;
      return e;
    case "throwing getter":
      return Object.defineProperty(e, p.key, {
        get() {
          throw new Error("getter");
        },
      });
    case "inherited":
      // A prototype of its own, so the class every other test uses is untouched.
      return Object.setPrototypeOf(
        e,
        Object.create(Object.getPrototypeOf(e) as object, { [p.key]: { value: p.value } }) as object,
      ) as unknown;
    case "brand":
      target[Symbol.for(`vercel.ai.error.${p.brand}`)] = p.value;
      return e;
    case "pure proxy":
      return new Proxy(e, {});
    case "throwing proxy":
      return new Proxy(e, {
        get(object, key) {
          if (key === "responseBody") throw new Error("trap");
          return Reflect.get(object, key) as unknown;
        },
      });
    case "plain copy": {
      // A duck-typed copy: own enumerable fields and brands, no Error prototype.
      const copy: Record<PropertyKey, unknown> = { name: e.name, message: e.message };
      for (const key of Reflect.ownKeys(e)) if (key !== "stack") copy[key] = target[key];
      return copy;
    }
  }
}

/** When the fast path reads a value, its layer is the generic reader's, field for field. */
function sameLayer(input: unknown): boolean {
  const fast = readApiCallErrorLayer(input);
  if (fast !== undefined) expect(fast).toStrictEqual(readLayer(input));
  return fast !== undefined;
}

describe(`the APICallError fast path reads what the generic walk reads (seed=${SEED})`, () => {
  it("gives the walk's signals on every corpus input, and is taken for most of its APICallErrors", () => {
    let taken = 0;
    for (const entry of corpus) {
      const input = materialize(entry.input);
      expect(readSignals(input), entry.id).toStrictEqual(readSignalsByWalk(input));
      if (sameLayer(input)) taken += 1;
    }
    expect(taken).toBeGreaterThanOrEqual(70);
  });

  test.prop([spec], { seed: SEED, numRuns: 1500 })(
    "real APICallErrors: same signals, and the fast path reads them and an APICallError cause",
    (s) => {
      const input = build(s);
      expect(readSignals(input)).toStrictEqual(readSignalsByWalk(input));
      expect(sameLayer(input)).toBe(true);
      if (s.cause.kind === "api") expect(sameLayer(input.cause)).toBe(true);
    },
  );

  test.prop([spec, perturbation], { seed: SEED, numRuns: 1500 })(
    "altered, proxied and duck-typed APICallErrors: same signals whichever path reads them",
    (s, p) => {
      const input = perturb(build(s), p);
      expect(readSignals(input)).toStrictEqual(readSignalsByWalk(input));
      sameLayer(input);
    },
  );

  it("reads every meaningful value under every key, and every brand, as the walk does", () => {
    const bases: Spec[] = [
      {
        message: "The server had an error",
        statusCode: 500,
        responseHeaders: { "content-type": "application/json" },
        responseBody:
          '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}',
        data: { kind: "parsed" },
        cause: { kind: "none" },
        isRetryable: true,
      },
      {
        message: "Too Many Requests",
        statusCode: 429,
        responseHeaders: undefined,
        responseBody: undefined,
        data: { kind: "none" },
        cause: { kind: "none" },
        isRetryable: undefined,
      },
    ];
    let cases = 0;
    for (const base of bases) {
      expect(readApiCallErrorLayer(build(base))).toBeDefined();
      for (const key of PERTURBED_KEYS) {
        for (const value of MEANINGFUL[key]) {
          const input = perturb(build(base), { kind: "set", key, value: value as fc.JsonValue });
          expect(readSignals(input), `${key}: ${JSON.stringify(value)}`).toStrictEqual(
            readSignalsByWalk(input),
          );
          sameLayer(input);
          cases += 1;
        }
      }
    }
    for (const base of bases) {
      for (const brand of BRANDS) {
        for (const value of [true, false]) {
          const input = perturb(build(base), { kind: "brand", brand, value });
          expect(readSignals(input), `${brand}: ${value}`).toStrictEqual(readSignalsByWalk(input));
          sameLayer(input);
          cases += 1;
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
  });

  it("leaves an object that is a Response to the walk, even one with the other signals hidden", () => {
    const fake = Object.create(Response.prototype, {
      name: { value: "AI_APICallError" },
      message: { value: "m" },
      statusCode: { value: 503 },
      responseHeaders: { value: {} },
      status: { value: undefined },
      statusText: { value: undefined },
      body: { value: undefined },
      type: { value: undefined },
      [Symbol.for("vercel.ai.error.AI_APICallError")]: { value: true },
    }) as unknown;
    expect(readApiCallErrorLayer(fake)).toBeUndefined();
    expect(readSignals(fake)).toStrictEqual(readSignalsByWalk(fake));
  });

  it("leaves an error whose prototype gained a finish reason to the walk", () => {
    const e = perturb(
      build({
        message: "m",
        statusCode: 500,
        responseHeaders: undefined,
        responseBody: undefined,
        data: { kind: "none" },
        cause: { kind: "none" },
        isRetryable: undefined,
      }),
      { kind: "inherited", key: "finishReason", value: "content_filter" },
    );
    expect(readApiCallErrorLayer(e)).toBeUndefined();
    expect(readSignals(e).finishReasons).toEqual(["content_filter"]);
  });
});
