import { describe, expect, it } from "vitest";
import { isSystemCode } from "./layer.ts";
import { readSignals } from "./signals.ts";
import { StreamFailureError } from "./stream-failure.ts";

const brand = (name: string): symbol => Symbol.for(`vercel.ai.error.${name}`);

/** An error carrying `fields`, the way SDK errors carry status, body and headers as own properties. */
function errorWith(message: string, fields: Record<PropertyKey, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe("isSystemCode", () => {
  it("recognises Node, undici, TLS and Bun codes", () => {
    for (const code of [
      "ECONNRESET",
      "EAI_AGAIN",
      "E2BIG",
      "E12",
      "UND_ERR_SOCKET",
      "UND_ERR_CONNECT_TIMEOUT",
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "CERT_HAS_EXPIRED",
      "UNABLE_TO_GET_ISSUER_CERT",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "HOSTNAME_MISMATCH",
      "ConnectionRefused",
      "ConnectionClosed",
      "FailedToOpenSocket",
    ])
      expect(isSystemCode(code), code).toBe(true);
  });

  it("refuses provider codes, lower case, a too-short E code and codes with anything around them", () => {
    for (const code of [
      "insufficient_quota",
      "econnreset",
      "EA",
      "E",
      "xECONNRESET",
      "ECONNRESETx",
      "ERR_x",
      "UND_ERR_",
      "UND_ERR_x",
      "CERT_x",
      "UNABLE_TO_x",
      "xHOSTNAME_MISMATCH",
      "HOSTNAME_MISMATCHx",
      "ConnectionRefusedx",
      "xFailedToOpenSocket",
      "",
    ])
      expect(isSystemCode(code), code).toBe(false);
  });
});

describe("readSignals: the chain", () => {
  it("follows cause, then an `error` that is an Error, and reads every layer's name", () => {
    const inner = Object.assign(new Error("socket closed"), { name: "SocketError" });
    const stream = { type: "error", error: new TypeError("terminated", { cause: inner }) };
    expect(readSignals(stream).errorNames).toEqual(["TypeError", "SocketError"]);
    // The stream part is its own body; the Error it wraps is a layer, not a body.
    expect(readSignals(stream).body).toBe(stream);
  });

  it("skips a null cause and looks at `error` instead", () => {
    const value = { cause: null, error: new RangeError("inner") };
    expect(readSignals(value).errorNames).toEqual(["RangeError"]);
  });

  it("does not follow an `error` that is a plain object (that is a body, not a layer)", () => {
    const value = { error: { name: "NotAnError", message: "body message" } };
    expect(readSignals(value).errorNames).toEqual([]);
  });

  it("reads at most ten layers", () => {
    let chain: unknown = undefined;
    for (let i = 11; i >= 0; i--)
      chain = Object.assign(new Error(`m${i}`, { cause: chain }), { name: `E${i}` });
    const signals = readSignals(chain);
    expect(signals.errorNames).toEqual(Array.from({ length: 10 }, (_, i) => `E${i}`));
    expect(signals.texts).toHaveLength(10);
  });

  it("reads each layer of a cycle once", () => {
    const a: Record<string, unknown> = { message: "a" };
    const b: Record<string, unknown> = { message: "b", cause: a };
    a.cause = b;
    expect(readSignals(a).texts).toEqual(["a", "b"]);
  });

  it("ends the chain at a cause that is not an object", () => {
    const error = new Error("outer", { cause: "just text" });
    const signals = readSignals(error);
    expect(signals.texts).toEqual(["outer"]);
    expect(signals.body).toBeNull();
  });

  it("follows a RetryError to its lastError, else to the last of its errors", () => {
    const last = errorWith("last", { name: "AI_APICallError", statusCode: 429 });
    const first = errorWith("first", { name: "AI_APICallError", statusCode: 500 });
    const withLast = errorWith("retry", {
      name: "AI_RetryError",
      reason: "maxRetriesExceeded",
      lastError: last,
    });
    expect(readSignals(withLast).status).toBe(429);
    const withErrors = errorWith("retry", { [brand("AI_RetryError")]: true, errors: [first, last] });
    expect(readSignals(withErrors).status).toBe(429);
    expect(readSignals(withErrors).errorNames).toEqual(["Error", "AI_RetryError", "AI_APICallError"]);
  });

  it("stops at a RetryError whose reason is abort, and reports the reason", () => {
    const aborted = errorWith("aborted", {
      name: "AI_RetryError",
      reason: "abort",
      lastError: errorWith("x", { statusCode: 429 }),
    });
    const signals = readSignals(aborted);
    expect(signals.status).toBeNull();
    expect(signals.retryReason).toBe("abort");
    expect(signals.errorNames).toEqual(["AI_RetryError"]);
  });

  it("reports no retry reason for errors that are not RetryErrors, nor a non-string one", () => {
    expect(readSignals(errorWith("x", { reason: "abort" })).retryReason).toBeNull();
    expect(readSignals(errorWith("x", { name: "AI_RetryError", reason: 3 })).retryReason).toBeNull();
  });
});

describe("readSignals: names", () => {
  it("reports the outermost name and every brand the chain carries, without duplicates or empty names", () => {
    const inner = errorWith("inner", { name: "AI_APICallError", [brand("AI_APICallError")]: true });
    const outer = Object.assign(new Error("outer", { cause: inner }), { name: "" });
    const signals = readSignals(outer);
    expect(signals.errorName).toBeNull();
    expect(signals.errorNames).toEqual(["AI_APICallError"]);
  });

  it("has no error name for values without layers", () => {
    expect(readSignals(42).errorName).toBeNull();
    expect(readSignals("text").errorName).toBeNull();
  });
});

describe("readSignals: status", () => {
  it("reads statusCode and status, keeping only HTTP statuses", () => {
    expect(readSignals({ statusCode: 429 }).status).toBe(429);
    expect(readSignals({ status: 503 }).status).toBe(503);
    expect(readSignals({ status: 1234, statusCode: 429.5 }).status).toBeNull();
  });

  it("lets an error status anywhere in the chain beat a 200, from 400 up", () => {
    expect(readSignals(errorWith("x", { status: 200, cause: { status: 429 } })).status).toBe(429);
    expect(readSignals(errorWith("x", { status: 200, cause: { status: 400 } })).status).toBe(400);
    expect(readSignals(errorWith("x", { status: 200, cause: { status: 399 } })).status).toBe(200);
  });

  it("reads statuses from bodies, and maps Gemini's status string when no error status is given", () => {
    expect(readSignals({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } }).status).toBe(429);
    expect(readSignals({ error: { status: "UNAVAILABLE" } }).status).toBe(503);
    expect(readSignals(errorWith("x", { status: 200, data: { error: { status: "INTERNAL" } } })).status).toBe(
      500,
    );
    expect(readSignals(errorWith("x", { status: 200, data: { error: { status: "NOPE" } } })).status).toBe(
      200,
    );
    expect(readSignals({ error: { status: "NOPE" } }).status).toBeNull();
  });

  it("does not read a fetch Response's own fields as a provider body", () => {
    const signals = readSignals(new Response(null, { status: 503 }));
    expect(signals.status).toBe(503);
    expect(signals.providerType).toBeNull();
    expect(signals.message).toBe("HTTP 503");
  });
});

describe("readSignals: headers", () => {
  it("reads responseHeaders, else headers, from the first layer that has any", () => {
    expect(readSignals({ responseHeaders: { "retry-after": "5" }, headers: { x: "1" } }).headers).toEqual(
      new Map([["retry-after", "5"]]),
    );
    const outer = new Error("outer", { cause: { headers: { "Retry-After": "7" } } });
    expect(readSignals(outer).headers).toEqual(new Map([["retry-after", "7"]]));
  });

  it("lower-cases the content type and has none without the header", () => {
    expect(readSignals({ headers: { "Content-Type": "Text/HTML; charset=UTF-8" } }).contentType).toBe(
      "text/html; charset=utf-8",
    );
    expect(readSignals({}).contentType).toBeNull();
  });
});

describe("readSignals: bodies", () => {
  it("parses a JSON responseBody and reads its provider fields", () => {
    const error = errorWith("Bad Request", {
      name: "AI_APICallError",
      responseBody:
        '{"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long"}}',
    });
    const signals = readSignals(error);
    expect(signals.body).toEqual({
      error: { type: "invalid_request_error", code: "context_length_exceeded", message: "too long" },
    });
    expect(signals.providerCode).toBe("context_length_exceeded");
    expect(signals.providerType).toBe("invalid_request_error");
    expect(signals.codes).toEqual(["context_length_exceeded", "invalid_request_error"]);
    expect(signals.texts).toEqual(["Bad Request", "too long"]);
  });

  it("keeps the first non-empty text that is not JSON as the body text", () => {
    const error = errorWith("Bad Gateway", { responseBody: "", body: "<html>gateway</html>" });
    expect(readSignals(error).bodyText).toBe("<html>gateway</html>");
    const two = errorWith("x", { responseBody: "first page", body: "second page" });
    expect(readSignals(two).bodyText).toBe("first page");
    expect(readSignals(two).texts).toEqual(["x", "first page"]);
  });

  it("takes `data` as a parsed body before the raw response text", () => {
    const error = errorWith("x", {
      name: "AI_APICallError",
      data: { error: { code: "from_data" } },
      responseBody: "{}",
    });
    expect(readSignals(error).body).toEqual({ error: { code: "from_data" } });
    expect(readSignals(error).providerCode).toBe("from_data");
  });

  it("does not take a ReadableStream for a body", () => {
    const error = errorWith("x", { name: "AI_APICallError", body: new ReadableStream() });
    expect(readSignals(error).body).toBeNull();
  });

  it("takes an SDK error's `error` object as the body", () => {
    const error = errorWith("429 Rate limited", {
      name: "RateLimitError",
      error: { type: "tokens", code: "rate_limit" },
    });
    expect(readSignals(error).body).toEqual({ type: "tokens", code: "rate_limit" });
    expect(readSignals(error).providerCode).toBe("rate_limit");
  });

  it("reads the value a TypeValidationError rejected as a body", () => {
    const error = errorWith("Type validation failed", {
      [brand("AI_TypeValidationError")]: true,
      value: { error: { type: "overloaded_error", message: "Overloaded" } },
    });
    const signals = readSignals(error);
    expect(signals.providerType).toBe("overloaded_error");
    expect(signals.body).toEqual({ error: { type: "overloaded_error", message: "Overloaded" } });
    const notRejected = errorWith("x", { value: { error: { type: "overloaded_error" } } });
    expect(readSignals(notRejected).providerType).toBeNull();
  });

  it("is its own body when a plain object is thrown, and has none when it is an error", () => {
    const plain = { error: { code: "c" } };
    expect(readSignals(plain).body).toEqual({ code: "c" });
    const bare = { code: "x" };
    expect(readSignals(bare).body).toBe(bare);
    expect(readSignals(errorWith("x", { code: "x" })).body).toBeNull();
    expect(readSignals({ name: "NamedButPlain", code: "x" }).body).toBeNull();
  });

  it("collects detail codes, quota ids and moderation from every body", () => {
    const outer = errorWith("outer", {
      data: { error: { details: [{ reason: "R1", violations: [{ quotaId: "Q1" }] }] } },
    });
    const inner = errorWith("inner", {
      data: { error: { code: 403, details: [{ reason: "R2" }], metadata: { reasons: ["hate"] } } },
    });
    const signals = readSignals(new Error("top", { cause: Object.assign(outer, { cause: inner }) }));
    expect(signals.detailCodes).toEqual(["R1", "R2"]);
    expect(signals.codes).toEqual(["r1", "r2"]);
    expect(signals.quotaIds).toEqual(["Q1"]);
    expect(signals.moderation).toBe(true);
    expect(readSignals(errorWith("x", { data: { error: { code: 403 } } })).moderation).toBe(false);
  });

  it("reports the provider type when there is no code, and Gemini's status string", () => {
    const signals = readSignals({ error: { type: "overloaded_error", status: "UNAVAILABLE" } });
    expect(signals.providerCode).toBeNull();
    expect(signals.providerType).toBe("overloaded_error");
    expect(signals.providerStatus).toBe("UNAVAILABLE");
  });
});

describe("readSignals: system codes", () => {
  it("moves a system code from the provider fields to the cause codes, once per code", () => {
    const inner = errorWith("read ECONNRESET", { code: "ECONNRESET", errno: "ECONNRESET" });
    const signals = readSignals(new TypeError("fetch failed", { cause: inner }));
    expect(signals.providerCode).toBeNull();
    expect(signals.codes).toEqual([]);
    expect(signals.causeCodes).toEqual(["ECONNRESET"]);
  });

  it("ignores codes that are not strings, even a symbol or one whose text looks like a system code", () => {
    const looksLikeCode = { toString: () => "ECONNRESET" };
    expect(
      readSignals(errorWith("x", { code: Symbol("ECONNRESET"), errno: looksLikeCode })).causeCodes,
    ).toEqual([]);
  });

  it("reads errno when it is a code, and ignores numeric errnos and provider codes", () => {
    expect(readSignals(errorWith("x", { errno: "EPIPE" })).causeCodes).toEqual(["EPIPE"]);
    expect(readSignals(errorWith("x", { errno: -104, code: "insufficient_quota" })).causeCodes).toEqual([]);
    expect(readSignals(errorWith("x", { code: "insufficient_quota" })).providerCode).toBe(
      "insufficient_quota",
    );
  });
});

describe("readSignals: messages and texts", () => {
  it("reports the outermost message and keeps every message of the chain for the patterns", () => {
    const signals = readSignals(new Error("outer", { cause: new Error("inner") }));
    expect(signals.message).toBe("outer");
    expect(signals.texts).toEqual(["outer", "inner"]);
  });

  it("skips blank messages and uses the status text of a response", () => {
    const signals = readSignals({ message: "   ", statusText: "Too Many Requests", status: 429 });
    expect(signals.message).toBe("Too Many Requests");
    expect(signals.texts).toEqual(["Too Many Requests"]);
  });

  it("does not repeat a message the body repeats", () => {
    expect(readSignals(errorWith("same", { data: { error: { message: "same" } } })).texts).toEqual(["same"]);
  });

  it("cuts each text to 8000 characters", () => {
    const long = "a".repeat(8001);
    expect(readSignals(new Error(long)).texts).toEqual(["a".repeat(8000)]);
  });

  it("previews a value without a message, or names the status", () => {
    expect(readSignals({ foo: 1 }).message).toBe('{"foo":1}');
    expect(readSignals(42).message).toBe("42");
    expect(readSignals({ status: 502 }).message).toBe("HTTP 502");
  });
});

describe("readSignals: a thrown string", () => {
  it("is its own message and carries no other signal", () => {
    const signals = readSignals("Service unavailable");
    expect(signals.message).toBe("Service unavailable");
    expect(signals.texts).toEqual(["Service unavailable"]);
    expect(signals.body).toBeNull();
    expect(signals.causeCodes).toEqual([]);
    expect(signals.finishReasons).toEqual([]);
    expect(signals.status).toBeNull();
  });

  it("is read as a provider body when it is JSON", () => {
    const text =
      '{"error":{"code":"insufficient_quota","message":"quota gone"},"finish_reason":"content_filter"}';
    const signals = readSignals(text);
    expect(signals.providerCode).toBe("insufficient_quota");
    expect(signals.texts).toEqual([text, "quota gone"]);
    expect(signals.body).toEqual(JSON.parse(text));
    expect(signals.finishReason).toBe("content_filter");
  });

  it("keeps a blank string as the message but offers no text to the patterns", () => {
    const signals = readSignals("   ");
    expect(signals.message).toBe("   ");
    expect(signals.texts).toEqual([]);
  });
});

describe("readSignals: finish reasons and stream failures", () => {
  it("reports the first finish reason of the chain and all of them", () => {
    const signals = readSignals(
      errorWith("x", { finishReason: "content-filter", cause: { finish_reason: "length" } }),
    );
    expect(signals.finishReason).toBe("content-filter");
    expect(signals.finishReasons).toEqual(["content-filter", "length"]);
    expect(readSignals(new Error("x")).finishReason).toBeNull();
  });

  it("reports the reason of a StreamFailureError anywhere in the chain", () => {
    const wrapped = new Error("wrapped", { cause: new StreamFailureError("stream_stall") });
    expect(readSignals(wrapped).streamFailure).toBe("stream_stall");
    expect(readSignals(new Error("x")).streamFailure).toBeNull();
  });
});
