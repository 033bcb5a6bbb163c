import { describe, expect, it } from "vitest";
import { createRandom } from "./random.ts";
import { abortReason, cancellableSleep, ManualClock, type Clock } from "./clock.ts";

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
      pending.push(
        clock.sleep(at, controller.signal).then(
          () => woke.push(order),
          () => undefined,
        ),
      );
      if (random.next() < 0.2) controller.abort();
      else expected.push({ at, order });
    }
    clock.advance(1000);
    await Promise.all(pending);
    expect(woke).toEqual(expected.sort((a, b) => a.at - b.at || a.order - b.order).map((e) => e.order));
  });
});

describe("ManualClock: time", () => {
  it("starts at 2026-01-01 unless told otherwise", () => {
    expect(new ManualClock().now()).toBe(Date.UTC(2026, 0, 1));
    expect(new ManualClock(42).now()).toBe(42);
  });

  it("advances relative to now, and never moves backwards", () => {
    const clock = new ManualClock(100);
    clock.advance(50);
    expect(clock.now()).toBe(150);
    clock.advanceTo(120);
    expect(clock.now()).toBe(150);
    clock.advanceTo(200);
    expect(clock.now()).toBe(200);
  });

  it("wakes a sleeper due exactly at the target, and not one due a millisecond later", async () => {
    const clock = new ManualClock(0);
    const woke: number[] = [];
    void clock.sleep(10).then(() => woke.push(10));
    void clock.sleep(11).then(() => woke.push(11));
    clock.advanceTo(10);
    await Promise.resolve();
    expect(woke).toEqual([10]);
    expect(clock.pending).toBe(1);
    expect(clock.nextWakeAt()).toBe(11);
  });

  it("treats a negative sleep as zero", () => {
    const clock = new ManualClock(500);
    void clock.sleep(-100);
    expect(clock.nextWakeAt()).toBe(500);
  });

  it("wakes only the earliest sleepers on advanceToNext, and reports when none is pending", async () => {
    const clock = new ManualClock(0);
    expect(clock.nextWakeAt()).toBeUndefined();
    expect(clock.advanceToNext()).toBe(false);
    expect(clock.now()).toBe(0);
    const woke: string[] = [];
    void clock.sleep(20).then(() => woke.push("a"));
    void clock.sleep(20).then(() => woke.push("b"));
    void clock.sleep(30).then(() => woke.push("c"));
    expect(clock.advanceToNext()).toBe(true);
    await Promise.resolve();
    expect(woke).toEqual(["a", "b"]);
    expect(clock.now()).toBe(20);
    expect(clock.pending).toBe(1);
  });
});

describe("ManualClock: abort", () => {
  it("rejects at once, without scheduling anything, when the signal has already aborted", async () => {
    const clock = new ManualClock(0);
    const reason = new Error("already");
    await expect(clock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(clock.pending).toBe(0);
    expect(clock.nextWakeAt()).toBeUndefined();
  });

  it("is not disturbed by an abort that comes after the sleeper woke", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const sleep = clock.sleep(10, controller.signal);
    void clock.sleep(20);
    clock.advance(10);
    await sleep;
    controller.abort();
    expect(clock.pending).toBe(1);
  });

  it("drops an aborted sleeper in the middle of the heap without waking it", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const woke: number[] = [];
    void clock.sleep(10).then(() => woke.push(10));
    void clock.sleep(20, controller.signal).then(
      () => woke.push(20),
      () => undefined,
    );
    void clock.sleep(30).then(() => woke.push(30));
    controller.abort();
    expect(clock.pending).toBe(2);
    clock.advance(100);
    await Promise.resolve();
    expect(woke).toEqual([10, 30]);
    expect(clock.pending).toBe(0);
  });
});

describe("ManualClock: cancellableSleep", () => {
  it("keeps its place in the wake order among signal sleeps, and a cancel rejects it with the reason at once", async () => {
    const clock = new ManualClock(0);
    const events: string[] = [];
    void clock.sleep(10).then(() => events.push("a@10"));
    const kept = clock.cancellableSleep(10);
    void kept.done.then(() => events.push("b@10"));
    void clock.sleep(10).then(() => events.push("c@10"));
    const cancelled = clock.cancellableSleep(5);
    const reason = new Error("step over");
    void cancelled.done.catch((error: unknown) =>
      events.push(error === reason ? "cancelled" : "wrong reason"),
    );
    cancelled.cancel(reason);
    expect(clock.pending).toBe(3);
    expect(clock.nextWakeAt()).toBe(10);
    clock.advance(10);
    await Promise.resolve();
    expect(events).toEqual(["cancelled", "a@10", "b@10", "c@10"]);
    expect(clock.pending).toBe(0);
  });

  it("ignores a cancel after the wake, and a second cancel", async () => {
    const clock = new ManualClock(0);
    const sleep = clock.cancellableSleep(10);
    void clock.sleep(20);
    clock.advance(10);
    await sleep.done;
    sleep.cancel(new Error("late"));
    expect(clock.pending).toBe(1);
    const twice = clock.cancellableSleep(30);
    const first = new Error("first");
    twice.cancel(first);
    twice.cancel(new Error("second"));
    await expect(twice.done).rejects.toBe(first);
    expect(clock.pending).toBe(1);
  });

  it("falls back to a sleep on a signal made for it on a clock without the method", async () => {
    const manual = new ManualClock(0);
    const clock: Clock = { now: () => manual.now(), sleep: (ms, signal) => manual.sleep(ms, signal) };
    const woken = cancellableSleep(clock, 10);
    const cancelled = cancellableSleep(clock, 10);
    const reason = new Error("over");
    cancelled.cancel(reason);
    await expect(cancelled.done).rejects.toBe(reason);
    manual.advance(10);
    await expect(woken.done).resolves.toBeUndefined();
  });
});

describe("abortReason", () => {
  it("is the signal's reason when that is an Error", () => {
    const reason = new TypeError("stop");
    expect(abortReason(AbortSignal.abort(reason))).toBe(reason);
  });

  it("is an AbortError carrying any other reason as its cause", () => {
    const error = abortReason(AbortSignal.abort("user left"));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AbortError");
    expect(error.message).toBe("This operation was aborted");
    expect(error.cause).toBe("user left");
  });
});
