import { describe, expect, it } from "vitest";
import { TimeBuckets } from "./time-buckets.ts";

describe("TimeBuckets", () => {
  it("never holds more than its cap, whatever the span, and keeps every amount", () => {
    const buckets = new TimeBuckets(10);
    for (let s = 0; s < 1000; s += 7) buckets.addPoint("x", s * 1000, 1);
    const { values, bucketMs } = buckets.snapshot(["x"]);
    const xs = values.get("x") ?? [];
    expect(xs.length).toBeLessThanOrEqual(10);
    expect(xs.reduce((n, v) => n + v, 0)).toBe(143);
    expect(bucketMs).toBe(128_000);
  });

  it("spreads a span over the buckets it covers, and takes times out of order", () => {
    const buckets = new TimeBuckets(100);
    buckets.addSpan("open", 10_500, 12_500);
    buckets.addPoint("w", 9_000, 5);
    const { startMs, values } = buckets.snapshot(["open", "w"]);
    expect(startMs).toBe(9_000);
    expect(values.get("open")).toEqual([0, 500, 1000, 500]);
    expect(values.get("w")).toEqual([5, 0, 0, 0]);
  });
});
