import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./percentile.ts";

describe("percentile", () => {
  it("returns the middle sample as p50 of an odd-sized set", () => {
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
  });

  it("interpolates between the two middle samples of an even-sized set", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it("interpolates p95 linearly between neighbouring ranks", () => {
    const samples = Array.from({ length: 101 }, (_, i) => i * 10);
    expect(percentile(samples, 95)).toBe(950);
    expect(percentile([0, 100], 95)).toBeCloseTo(95, 10);
  });

  it("returns the extremes at p0 and p100", () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 100)).toBe(9);
  });

  it("returns the only sample of a one-sample set for every p", () => {
    expect(percentile([42], 99)).toBe(42);
  });

  it("refuses an empty set and a p outside 0..100", () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 101)).toThrow(/outside 0..100/);
    expect(() => percentile([1], Number.NaN)).toThrow(/outside 0..100/);
  });
});

describe("summarize", () => {
  it("sorts unsorted samples without touching the input", () => {
    const samples = [5, 1, 4, 2, 3];
    const summary = summarize(samples);
    expect(summary).toMatchObject({ n: 5, min: 1, max: 5, p50: 3, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it("gives p99 above p95 above p50 on a skewed tail", () => {
    const samples = [...Array.from({ length: 98 }, () => 1), 50, 100];
    const summary = summarize(samples);
    expect(summary.p50).toBe(1);
    expect(summary.p95).toBe(1);
    expect(summary.p99).toBeCloseTo(50.5, 10);
  });
});
