import { describe, expect, it } from "vitest";
import { QuantileSketch } from "./quantile-sketch.ts";

describe("QuantileSketch", () => {
  it("gives exact sum, p50, p95 and max for a small set", () => {
    const sketch = new QuantileSketch();
    for (const v of [100, 200, 300, 400, 1000]) sketch.add(v);
    expect(sketch.stats()).toEqual({ count: 5, totalMs: 2000, p50Ms: 300, p95Ms: 880, maxMs: 1000 });
  });

  it("has no percentiles without samples", () => {
    expect(new QuantileSketch().stats()).toEqual({
      count: 0,
      totalMs: 0,
      p50Ms: null,
      p95Ms: null,
      maxMs: null,
    });
  });

  it("stays within 1 % of the exact percentiles past the exact cap", () => {
    const sketch = new QuantileSketch();
    const values = Array.from({ length: 20_000 }, (_, i) => 1 + ((i * 7919) % 10_000));
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    const exact = (p: number): number => sorted[Math.floor((p / 100) * (sorted.length - 1))] as number;
    expect(Math.abs((sketch.quantile(50) ?? 0) - exact(50)) / exact(50)).toBeLessThan(0.011);
    expect(Math.abs((sketch.quantile(95) ?? 0) - exact(95)) / exact(95)).toBeLessThan(0.011);
    expect(sketch.stats().maxMs).toBe(10_000);
  });
});
