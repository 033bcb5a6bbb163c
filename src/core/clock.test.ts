import { describe, expect, it } from "vitest";
import { createRandom } from "./random.ts";
import { ManualClock } from "./clock.ts";

describe("ManualClock", () => {
  it("wakes sleepers in (time, registration) order, whatever order they were scheduled in", async () => {
    const clock = new ManualClock(0);
    const woke: string[] = [];
    const sleeps = [
      clock.sleep(30).then(() => woke.push("c@30")),
      clock.sleep(10).then(() => woke.push("a@10")),
      clock.sleep(30).then(() => woke.push("d@30")),
      clock.sleep(10).then(() => woke.push("b@10")),
    ];
    clock.advance(100);
    await Promise.all(sleeps);
    expect(woke).toEqual(["a@10", "b@10", "c@30", "d@30"]);
    expect(clock.now()).toBe(100);
  });

  it("never wakes an aborted sleeper and does not count it as pending", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const aborted = clock.sleep(10, controller.signal);
    const kept = clock.sleep(20);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect(clock.pending).toBe(1);
    expect(clock.nextWakeAt()).toBe(20);
    clock.advanceToNext();
    await kept;
    expect(clock.pending).toBe(0);
  });

  it("matches a sorted reference on thousands of random sleeps and aborts", async () => {
    const random = createRandom(9);
    const clock = new ManualClock(0);
    const expected: { at: number; order: number }[] = [];
    const woke: number[] = [];
    const pending: Promise<unknown>[] = [];
    for (let order = 0; order < 3000; order++) {
      const at = Math.floor(random.next() * 500);
      const controller = new AbortController();
      pending.push(clock.sleep(at, controller.signal).then(() => woke.push(order), () => undefined));
      if (random.next() < 0.2) controller.abort();
      else expected.push({ at, order });
    }
    clock.advance(1000);
    await Promise.all(pending);
    expect(woke).toEqual(expected.sort((a, b) => a.at - b.at || a.order - b.order).map((e) => e.order));
  });
});
