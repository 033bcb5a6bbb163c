import { describe, expect, it } from "vitest";
import type { ClockTimer } from "../core/clock.ts";
import { WatchdogHub, type TimerClock, type Watch } from "./watchdog-hub.ts";

/** A hand-driven clock with `timer`; it records every timer armed and whether it is ref'd. */
class FakeTimerClock implements TimerClock {
  time = 0;
  readonly timers: { at: number; onFire: () => void; live: boolean; refed: boolean }[] = [];

  constructor(private readonly canUnref: boolean) {}

  now(): number {
    return this.time;
  }

  sleep(): Promise<void> {
    return Promise.reject(new Error("Failed to sleep: the hub must use timer only."));
  }

  timer(ms: number, onFire: () => void): ClockTimer {
    const entry = { at: this.time + ms, onFire, live: true, refed: true };
    this.timers.push(entry);
    const timer: ClockTimer = {
      cancel: () => {
        entry.live = false;
      },
    };
    if (!this.canUnref) return timer;
    return {
      ...timer,
      unref: () => {
        entry.refed = false;
      },
      ref: () => {
        entry.refed = true;
      },
    };
  }

  /** The timers still pending. */
  get live() {
    return this.timers.filter((t) => t.live);
  }

  /** Moves to `to`, firing every live timer due on the way, earliest first. */
  advanceTo(to: number): void {
    for (;;) {
      const next = this.live.filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.time = next.at;
      next.live = false;
      next.onFire();
    }
    this.time = to;
  }
}

/** A watch that records the limit it had each time it expired. */
function watch(limitAt: number): Watch & { expiredAt: number[] } {
  const w = {
    limitAt,
    armedAt: limitAt,
    expiredAt: [] as number[],
    expire: () => {
      w.expiredAt.push(w.limitAt);
    },
  };
  return w;
}

describe("WatchdogHub", () => {
  it("times many watches with one timer, armed for the earliest, and expires each at its limit", () => {
    const clock = new FakeTimerClock(true);
    const hub = new WatchdogHub(clock);
    const [a, b, c] = [watch(300), watch(100), watch(200)];
    for (const w of [a, b, c]) hub.add(w, 0);
    // a armed the timer at 300; b came earlier and moved it to 100; c (200) needed nothing.
    expect(clock.timers.map((t) => t.at)).toEqual([300, 100]);
    expect(clock.live).toHaveLength(1);
    clock.advanceTo(150);
    expect([a.expiredAt, b.expiredAt, c.expiredAt]).toEqual([[], [100], []]);
    clock.advanceTo(1000);
    expect([a.expiredAt, b.expiredAt, c.expiredAt]).toEqual([[300], [100], [200]]);
    expect(hub.size).toBe(0);
    expect(clock.live).toHaveLength(0);
  });

  it("holds a watch whose limit moved on for the new limit instead of expiring it", () => {
    const clock = new FakeTimerClock(true);
    const hub = new WatchdogHub(clock);
    const w = watch(100);
    hub.add(w, 0);
    w.limitAt = 180; // a streamed part moved the stall limit
    clock.advanceTo(120);
    expect(w.expiredAt).toEqual([]);
    expect(w.armedAt).toBe(180);
    clock.advanceTo(200);
    expect(w.expiredAt).toEqual([180]);
  });

  it("re-arms at once when a held watch's limit moves earlier", () => {
    const clock = new FakeTimerClock(true);
    const hub = new WatchdogHub(clock);
    const w = watch(1000);
    hub.add(w, 0);
    clock.time = 10;
    w.limitAt = 50;
    w.armedAt = 50;
    hub.earlier(w, clock.now());
    expect(clock.live.map((t) => t.at)).toEqual([50]);
    clock.advanceTo(60);
    expect(w.expiredAt).toEqual([50]);
  });

  it("leaves its timer armed but unref'd when the last watch leaves, and refs it for the next one", () => {
    const clock = new FakeTimerClock(true);
    const hub = new WatchdogHub(clock);
    const first = watch(100);
    hub.add(first, 0);
    hub.remove(first);
    expect(clock.live).toHaveLength(1);
    expect(clock.live[0]?.refed).toBe(false);
    const second = watch(150);
    hub.add(second, 10);
    // No new timer: the idle one fires first and then re-arms for the second watch.
    expect(clock.timers).toHaveLength(1);
    expect(clock.live[0]?.refed).toBe(true);
    clock.advanceTo(200);
    expect(second.expiredAt).toEqual([150]);
    expect(first.expiredAt).toEqual([]);
  });

  it("cancels its timer when the last watch leaves on a clock whose timers cannot be unref'd", () => {
    const clock = new FakeTimerClock(false);
    const hub = new WatchdogHub(clock);
    const w = watch(100);
    hub.add(w, 0);
    hub.remove(w);
    expect(clock.live).toHaveLength(0);
    clock.advanceTo(500);
    expect(w.expiredAt).toEqual([]);
  });

  it("never expires a watch that left before its limit", () => {
    const clock = new FakeTimerClock(true);
    const hub = new WatchdogHub(clock);
    const [gone, stays] = [watch(100), watch(100)];
    hub.add(gone, 0);
    hub.add(stays, 0);
    hub.remove(gone);
    clock.advanceTo(100);
    expect(gone.expiredAt).toEqual([]);
    expect(stays.expiredAt).toEqual([100]);
  });
});
