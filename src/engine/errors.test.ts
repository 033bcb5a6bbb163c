import { describe, expect, it } from "vitest";
import type { Classification } from "../classify/taxonomy.ts";
import { FallbackConfigError, FallbackExhaustedError, isFallbackExhaustedError } from "./errors.ts";

const last: Classification = {
  type: "ProviderError",
  reason: "server_error",
  status: 500,
  retry_after_ms: null,
  provider_code: null,
  message: "boom",
};

describe("FallbackExhaustedError", () => {
  it("names the chain, why it ended, the attempts and the last failure, and keeps the provider error as cause", () => {
    const cause = new Error("provider");
    const error = new FallbackExhaustedError({
      reason: "server_error",
      attempts: 3,
      classification: last,
      chain: ["a/x", "b/y"],
      cause,
    });
    expect(error.message).toBe(
      "Failed to get a response from a/x, b/y: the chain is exhausted (server_error) after 3 attempt(s). The last failure was ProviderError/server_error: boom See the audit log for each attempt.",
    );
    expect(error.name).toBe("FallbackExhaustedError");
    expect(error.cause).toBe(cause);
    expect({ reason: error.reason, attempts: error.attempts, classification: error.classification }).toEqual({
      reason: "server_error",
      attempts: 3,
      classification: last,
    });
  });

  it("says the deadline or the open circuits were the reason, without a last failure when there was none", () => {
    expect(
      new FallbackExhaustedError({ reason: "deadline", attempts: 1, classification: null, chain: ["a/x"] })
        .message,
    ).toBe(
      "Failed to get a response from a/x: the request's deadline (fallback.deadline_ms) passed after 1 attempt(s). See the audit log for each attempt.",
    );
    expect(
      new FallbackExhaustedError({ reason: "all_open", attempts: 0, classification: null, chain: ["a/x"] })
        .message,
    ).toContain("every model's circuit is open (fallback.on_all_open is fail_fast) after 0 attempt(s).");
  });
});

describe("isFallbackExhaustedError", () => {
  it("recognises the error, also from another module copy, and nothing else", () => {
    expect(
      isFallbackExhaustedError(
        new FallbackExhaustedError({ reason: "deadline", attempts: 1, classification: null, chain: [] }),
      ),
    ).toBe(true);
    const copy = Object.assign(new Error("x"), { name: "FallbackExhaustedError", reason: "deadline" });
    expect(isFallbackExhaustedError(copy)).toBe(true);
    expect(isFallbackExhaustedError(Object.assign(new Error("x"), { name: "FallbackExhaustedError" }))).toBe(
      false,
    );
    expect(isFallbackExhaustedError({ name: "FallbackExhaustedError", reason: "deadline" })).toBe(false);
    expect(isFallbackExhaustedError(Object.assign(new Error("x"), { reason: "deadline" }))).toBe(false);
    expect(isFallbackExhaustedError(new FallbackConfigError("x"))).toBe(false);
    expect(new FallbackConfigError("x").name).toBe("FallbackConfigError");
  });
});
