import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { runOnVirtualTimeFor } from "./virtual-time.ts";

describe("runOnVirtualTimeFor (the drain)", () => {
  it("wakes every sleeper due within the span, in order, and none after it", async () => {
    const clock = new ManualClock(0);
    const woke: number[] = [];
    const poll = async (): Promise<void> => {
      for (;;) {
        await clock.sleep(10_000);
        woke.push(clock.now());
      }
    };
    void poll();
    void clock.sleep(90_000).then(() => woke.push(-1));
    await runOnVirtualTimeFor(clock, 45_000);
    expect(woke).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(clock.now()).toBe(45_000);
  });

  it("stops early, without failing, after its jump budget", async () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const poll = async (): Promise<void> => {
      for (;;) {
        await clock.sleep(1);
        ticks++;
      }
    };
    void poll();
    await runOnVirtualTimeFor(clock, 3_600_000, { maxJumps: 50 });
    expect(ticks).toBeGreaterThanOrEqual(49);
    expect(ticks).toBeLessThanOrEqual(51);
    expect(clock.now()).toBeLessThan(100);
  });
});
