import { describe, expect, it } from "vitest";
import { describeThrown, MAX_MESSAGE_CHARS } from "./describe-thrown.ts";

class UpstreamError extends Error {
  override readonly name = "UpstreamError";
}

describe("describeThrown", () => {
  it.each([
    ["a string", "quota gone", { name: "string", message: "quota gone" }],
    ["a number", 429, { name: "number", message: "429" }],
    ["undefined", undefined, { name: "undefined", message: "rejected with undefined (no error value)" }],
    ["null", null, { name: "null", message: "rejected with null (no error value)" }],
    [
      "a plain object",
      { status: 503, body: "busy" },
      { name: "object", message: '{"status":503,"body":"busy"}' },
    ],
    [
      "an object with a message",
      { message: "bad gateway", code: 502 },
      { name: "object", message: "bad gateway" },
    ],
    ["a symbol", Symbol("boom"), { name: "symbol", message: "Symbol(boom)" }],
    [
      "an object with no prototype",
      Object.create(null) as object,
      { name: "object", message: "[object Object]" },
    ],
  ])("renders %s readably", (_what, value, expected) => {
    expect(describeThrown(value)).toEqual(expected);
  });

  it("keeps an Error subclass's name and puts a multi-line message on one line, the breaks marked", () => {
    const error = new UpstreamError("first line\n  second line\r\n\nthird");
    expect(describeThrown(error)).toEqual({
      name: "UpstreamError",
      message: "first line ⏎ second line ⏎ third",
    });
  });

  it("adds one level of cause, and says when an Error has no message", () => {
    const error = new Error("", { cause: new TypeError("fetch failed") });
    expect(describeThrown(error)).toEqual({
      name: "Error",
      message: "(no message) (cause: TypeError: fetch failed)",
    });
  });

  it("never throws, even on a value whose fields throw when read", () => {
    const hostile = new Error("x");
    Object.defineProperty(hostile, "message", {
      get: () => {
        throw new Error("gotcha");
      },
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeThrown(hostile)).toEqual({ name: "Error", message: "(no message)" });
    expect(describeThrown(circular)).toEqual({ name: "object", message: "[object Object]" });
  });

  it("cuts a very long message and says how much was cut", () => {
    const { message } = describeThrown(new Error("y".repeat(MAX_MESSAGE_CHARS + 25)));
    expect(message).toBe(`${"y".repeat(MAX_MESSAGE_CHARS)}… (25 more characters)`);
  });
});

describe("describeThrown and credentials", () => {
  it("scrubs a key from the message before any caller cuts it to length", () => {
    const { message } = describeThrown(new Error("denied for sk-ant-api03-abcdefghijklmnopqrstu"));
    expect(message).toBe("denied for [redacted: an sk- API key]");
    expect(message.slice(0, 20)).not.toContain("sk-ant");
  });
});

describe("describeThrown on an AggregateError", () => {
  it("says how many errors it holds and what the first one says", () => {
    const error = new AggregateError([new Error("a down"), "b down"], "all providers failed");
    expect(describeThrown(error)).toEqual({
      name: "AggregateError",
      message: "all providers failed (2 errors; the first: a down)",
    });
  });
});
