import { describe, expect, it } from "vitest";
import { STREAM_FAILURE_REASONS, StreamFailureError, isStreamFailureError } from "./stream-failure.ts";

describe("StreamFailureError", () => {
  it("carries its name, reason, a default message and the cause", () => {
    const cause = new Error("socket hang up");
    const e = new StreamFailureError("stream_cut", undefined, { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("StreamFailureError");
    expect(e.reason).toBe("stream_cut");
    expect(e.message).toMatch(/cut/);
    expect(e.cause).toBe(cause);
  });

  it("gives every reason its own default message", () => {
    const messages = STREAM_FAILURE_REASONS.map((r) => new StreamFailureError(r).message);
    expect(new Set(messages).size).toBe(STREAM_FAILURE_REASONS.length);
  });

  it("is recognised by name and reason, so duck-typed copies count", () => {
    expect(isStreamFailureError(new StreamFailureError("ttft_timeout", "no first token"))).toBe(true);
    expect(
      isStreamFailureError(
        Object.assign(new Error("x"), { name: "StreamFailureError", reason: "stream_stall" }),
      ),
    ).toBe(true);
    expect(isStreamFailureError({ name: "StreamFailureError", reason: "stream_incomplete" })).toBe(true);
  });

  it("rejects look-alikes with the wrong name or an unknown reason", () => {
    expect(isStreamFailureError(Object.assign(new Error("x"), { reason: "stream_cut" }))).toBe(false);
    expect(isStreamFailureError({ name: "StreamFailureError", reason: "rate_limit" })).toBe(false);
    expect(isStreamFailureError(null)).toBe(false);
    expect(isStreamFailureError("StreamFailureError")).toBe(false);
  });
});
