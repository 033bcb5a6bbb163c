import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FIXED_SEED } from "../properties/seeds.ts";
import { durationText, parseDuration, tryParseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1.5s", 1_500],
    ["120", 120],
    [" 2s ", 2_000],
  ])("reads %j as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("passes a non-negative number of milliseconds through", () => {
    expect(parseDuration(42)).toBe(42);
  });

  it.each(["", "s", "-1s", "5 minutes", "1d", "ms5", "1s-", "NaN"])(
    "rejects %j with a message naming the accepted forms",
    (text) => {
      expect(tryParseDuration(text)).toBeUndefined();
      expect(() => parseDuration(text)).toThrow(/Failed to parse duration: .*250ms, 30s, 5m, 1h/);
    },
  );

  it("rejects negative and non-finite numbers", () => {
    expect(() => parseDuration(-1)).toThrow(/Failed to parse duration/);
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(/Failed to parse duration/);
  });
});

describe("durationText", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [30_000, "30s"],
    [90_000, "1m30s"],
    [7_201_005, "2h1s5ms"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it("parses back to the same milliseconds", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 * 24 * 3_600_000 }), (ms) => parseDuration(durationText(ms)) === ms),
      { seed: FIXED_SEED, numRuns: 500 },
    );
  });

  it("refuses fractions and negatives", () => {
    expect(() => durationText(1.5)).toThrow(/whole number/);
    expect(() => durationText(-1)).toThrow(/whole number/);
  });
});
