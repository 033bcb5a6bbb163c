import { describe, expect, it } from "vitest";
import { compareRatios, formatComparison, parseBaseline } from "./compare.ts";

describe("compareRatios", () => {
  it("flags a ratio that grew beyond the threshold as a regression", () => {
    const result = compareRatios(
      { "failover.inproc.http-500.reference": 1.0 },
      { "failover.inproc.http-500.reference": 1.3 },
      { threshold: 0.25 },
    );
    expect(result.ok).toBe(false);
    expect(result.regressed).toBe(1);
    expect(result.rows[0]?.verdict).toBe("regressed");
    expect(result.rows[0]?.change).toBeCloseTo(0.3, 10);
  });

  it("accepts growth within the threshold", () => {
    const result = compareRatios({ k: 1.0 }, { k: 1.2 }, { threshold: 0.25 });
    expect(result.ok).toBe(true);
    expect(result.rows[0]?.verdict).toBe("unchanged");
  });

  it("counts a ratio that shrank beyond the threshold as an improvement, not a failure", () => {
    const result = compareRatios({ k: 2.0 }, { k: 1.0 }, { threshold: 0.25 });
    expect(result.ok).toBe(true);
    expect(result.improved).toBe(1);
  });

  it("ignores relative jumps smaller than the absolute floor", () => {
    const result = compareRatios(
      { "overhead.reference": 0.002 },
      { "overhead.reference": 0.006 },
      { threshold: 0.25 },
    );
    expect(result.ok).toBe(true);
    expect(result.rows[0]?.verdict).toBe("unchanged");
  });

  it("reports a ratio the run no longer has as missing without failing", () => {
    const result = compareRatios({ gone: 1, kept: 1 }, { kept: 1 }, { threshold: 0.25 });
    expect(result.ok).toBe(true);
    expect(result.missing).toBe(1);
    expect(formatComparison(result, 0.25)).toMatch(/missing\s+gone/);
  });
});

describe("parseBaseline", () => {
  it("reads a report's version and ratios", () => {
    const parsed = parseBaseline(
      JSON.stringify({ version: 1, ratios: { a: 1.01 }, other: "kept" }),
      "b.json",
    );
    expect(parsed.ok && parsed.baseline.ratios).toEqual({ a: 1.01 });
  });

  it("explains that a file is not JSON", () => {
    const parsed = parseBaseline("{ nope", "b.json");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(
      /^Failed to read the baseline b\.json: it is not JSON .*fallback-harness bench/,
    );
  });

  it("names the field that is wrong", () => {
    const parsed = parseBaseline(JSON.stringify({ version: 1, ratios: { a: "fast" } }), "b.json");
    expect(!parsed.ok && parsed.message).toMatch(/ratios\.a/);
  });
});
