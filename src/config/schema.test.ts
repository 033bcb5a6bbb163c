import { describe, it, expect } from "vitest";
import { knownKeysAt } from "./schema.ts";

describe("knownKeysAt", () => {
  it("offers chains in the global fallback block but not in an agent's", () => {
    expect(knownKeysAt(["fallback"])?.keys).toContain("chains");
    expect(knownKeysAt(["agent", "build", "fallback"])?.keys).not.toContain("chains");
    expect(knownKeysAt(["agent", "build", "fallback"])?.keys).toContain("max_retries");
  });

  it("names the keys of each nested block", () => {
    expect(knownKeysAt(["fallback", "circuit_breaker"])?.keys).toEqual([
      "enabled",
      "failure_threshold",
      "window_ms",
      "cooldown_ms",
      "half_open_probes",
      "success_threshold",
    ]);
    expect(knownKeysAt(["fallback", "backoff"])?.keys).toEqual(["network", "rate_limit"]);
    expect(knownKeysAt(["agent", "a", "fallback", "backoff", "rate_limit"])?.keys).toEqual([
      "base_ms",
      "factor",
      "max_ms",
      "jitter",
    ]);
  });

  it("calls the keys of actions error types", () => {
    expect(knownKeysAt(["fallback", "actions"])).toEqual({
      keys: [
        "ContextLength",
        "NetworkPermanent",
        "ProviderRateLimit",
        "NetworkTransient",
        "ProviderError",
        "LogicError",
      ],
      noun: "error type",
    });
  });

  it("knows nothing about objects the engine does not own", () => {
    expect(knownKeysAt([])).toBeUndefined();
    expect(knownKeysAt(["agent", "build"])).toBeUndefined();
    expect(knownKeysAt(["fallback", "chains"])).toBeUndefined();
    expect(knownKeysAt(["fallback", "backoff", "other"])).toBeUndefined();
  });

  it("knows only objects at the exact depth it names", () => {
    for (const path of [
      ["agent", "build", "models"],
      ["other", "build", "fallback"],
      ["fallback", "circuit_breaker", "cooldown_ms"],
      ["fallback", "actions", "LogicError"],
      ["fallback", "other", "network"],
      ["fallback", "backoff", "network", "base_ms"],
      ["agent", "build", "fallback", "backoff", "other"],
    ]) {
      expect(knownKeysAt(path), path.join(".")).toBeUndefined();
    }
  });
});
