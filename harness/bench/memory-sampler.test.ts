import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { startMemorySampler } from "./memory-sampler.ts";

// A collection on demand, without starting vitest with --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MB = 2 ** 20;

describe("startMemorySampler", () => {
  it("sees a heap peak that came and went inside one synchronous stretch, with no timer turn", () => {
    gc();
    const before = process.memoryUsage().heapUsed / MB;
    const sampler = startMemorySampler(10);
    // ~64 MB of live arrays, dropped and collected before the event loop could run the sampler's timer.
    let held: number[][] | null = Array.from({ length: 64 }, () => new Array<number>(MB / 8).fill(1.5));
    expect(held.length).toBe(64);
    held = null;
    gc();
    const peak = sampler.stop();
    expect(peak.heapMb).toBeGreaterThan(before + 48);
    expect(peak.collections).toBeGreaterThan(0);
    // gc() is a full collection, so there is a live figure, and it cannot exceed the peak.
    expect(peak.liveHeapMb).toBeGreaterThan(0);
    expect(peak.liveHeapMb).toBeLessThanOrEqual(peak.heapMb);
  });
});
