import { describe, it, expect } from "vitest";
import { didYouMean } from "./did-you-mean.ts";

const FALLBACK_KEYS = [
  "enabled",
  "chains",
  "max_retries",
  "circuit_breaker",
  "audit_log",
  "backoff",
  "deadline_ms",
];
const BREAKER_KEYS = ["enabled", "failure_threshold", "window_ms", "cooldown_ms", "half_open_probes"];

describe("didYouMean", () => {
  it("suggests max_retries for max_retry", () => {
    expect(didYouMean("max_retry", FALLBACK_KEYS)).toBe("max_retries");
  });

  it("suggests circuit_breaker for circuit_breakers", () => {
    expect(didYouMean("circuit_breakers", FALLBACK_KEYS)).toBe("circuit_breaker");
  });

  it("suggests cooldown_ms for cooldown", () => {
    expect(didYouMean("cooldown", BREAKER_KEYS)).toBe("cooldown_ms");
  });

  it("ignores case, underscores and dashes, so camelCase spellings find their key", () => {
    expect(didYouMean("maxRetries", FALLBACK_KEYS)).toBe("max_retries");
    expect(didYouMean("failure-threshold", BREAKER_KEYS)).toBe("failure_threshold");
  });

  it("counts a swap of adjacent letters as one edit", () => {
    expect(didYouMean("ContextLenght", ["ContextLength", "LogicError"])).toBe("ContextLength");
  });

  it("suggests nothing when no candidate is close", () => {
    expect(didYouMean("foo", FALLBACK_KEYS)).toBeUndefined();
    expect(didYouMean("temperature", FALLBACK_KEYS)).toBeUndefined();
  });

  it("suggests nothing without candidates", () => {
    expect(didYouMean("max_retry", [])).toBeUndefined();
  });

  it("prefers the closest candidate, and the earlier one on a tie", () => {
    expect(didYouMean("window", ["windows_ms", "window_ms"])).toBe("window_ms");
    expect(didYouMean("ab", ["ax", "ay"])).toBe("ax");
  });
});

describe("didYouMean: the edit distance", () => {
  it("counts a swap as one edit where two substitutions would be too many", () => {
    // Two letters allow one edit: only the swap rule brings "ba" within reach of "ab".
    expect(didYouMean("ab", ["ba"])).toBe("ba");
    expect(didYouMean("abcd", ["bacd", "abce"])).toBe("bacd");
    expect(didYouMean("abdc", ["abcd"])).toBe("abcd");
  });

  it("counts a swap as one edit, never less, so an exact match still wins", () => {
    expect(didYouMean("ab", ["ba", "ab"])).toBe("ab");
  });

  it("does not take letters that are merely different for a swap", () => {
    expect(didYouMean("ab", ["cd"])).toBeUndefined();
    expect(didYouMean("abc", ["cab"])).toBeUndefined();
    // One matching diagonal is not a swap: both letters must cross.
    expect(didYouMean("ab", ["ca"])).toBeUndefined();
    expect(didYouMean("ab", ["bc"])).toBeUndefined();
  });
});
