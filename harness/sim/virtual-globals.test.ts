import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { installVirtualGlobals, type VirtualGlobals } from "./virtual-globals.ts";

// One install for the file (there is no uninstall; vitest runs each file in its own worker and keeps real
// timers of its own). setImmediate stays real, so `turn()` lets woken timers run.
const START = Date.UTC(2026, 0, 1);
const clock = new ManualClock(START);
let globals: VirtualGlobals;
const realDateNow = Date.now;
const RealDate = Date;

beforeAll(() => {
  globals = installVirtualGlobals(clock);
});

async function turn(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Advances the virtual clock by `ms`, one wake time at a time as the driver does, letting each callback run. */
async function advance(ms: number): Promise<void> {
  const target = clock.now() + ms;
  for (let next = clock.nextWakeAt(); next !== undefined && next <= target; next = clock.nextWakeAt()) {
    clock.advanceToNext();
    await turn();
  }
  clock.advanceTo(target);
  await turn();
}

describe("virtual setTimeout / setInterval", () => {
  it("fires only when the virtual clock reaches the delay, with its arguments, Date.now on the clock", async () => {
    const seen: [string, number][] = [];
    setTimeout((a: string) => seen.push([a, Date.now() - START]), 128, "x");
    await turn();
    expect(seen).toEqual([]);
    await advance(127);
    expect(seen).toEqual([]);
    await advance(1);
    expect(seen).toEqual([["x", clock.now() - START]]);
  });

  it("coerces the delay like Node: NaN, negative, non-numeric and too large become 1 ms", async () => {
    const fired: string[] = [];
    for (const ms of [Number.NaN, -5, "soon", 2 ** 31])
      setTimeout(() => fired.push(String(ms)), ms as number);
    await advance(1);
    expect(fired).toEqual(["NaN", "-5", "soon", String(2 ** 31)]);
  });

  it("rejects a callback that is not a function, as Node does", () => {
    expect(() => setTimeout("code" as unknown as () => void, 1)).toThrow(/"callback" argument/);
  });

  it("clears by object, by its number, and by close()", async () => {
    const fired: string[] = [];
    const a = setTimeout(() => fired.push("a"), 10);
    const b = setTimeout(() => fired.push("b"), 10);
    const c = setTimeout(() => fired.push("c"), 10);
    const d = setTimeout(() => fired.push("d"), 10);
    clearTimeout(a);
    clearTimeout(+b);
    c.close();
    await advance(10);
    expect(fired).toEqual(["d"]);
    expect(Number.isInteger(+d)).toBe(true);
  });

  it("repeats an interval until cleared, even from inside its callback", async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => {
      ticks.push(Date.now() - START);
      if (ticks.length === 3) clearInterval(timer);
    }, 1_000);
    const from = clock.now() - START;
    for (let i = 0; i < 5; i++) await advance(1_000);
    expect(ticks).toEqual([from + 1_000, from + 2_000, from + 3_000]);
  });

  it("refresh restarts the countdown and re-arms a fired timeout, but not a cleared one", async () => {
    const fired: number[] = [];
    const timer = setTimeout(() => fired.push(clock.now() - START), 100);
    const from = clock.now() - START;
    await advance(60);
    timer.refresh();
    await advance(60);
    expect(fired).toEqual([]);
    await advance(40);
    expect(fired).toEqual([from + 160]);
    timer.refresh();
    await advance(100);
    expect(fired).toEqual([from + 160, from + 260]);
    clearTimeout(timer);
    timer.refresh();
    await advance(100);
    expect(fired).toHaveLength(2);
  });

  it("reports ref'd timers still armed as leaks, and not unref'd or finished ones", async () => {
    const before = globals.leakedTimers();
    const interval = setInterval(() => undefined, 30_000);
    const quiet = setInterval(() => undefined, 5_000).unref();
    expect(quiet.hasRef()).toBe(false);
    expect(interval.hasRef()).toBe(true);
    setTimeout(() => undefined, 1);
    await advance(1);
    expect(globals.leakedTimers()).toEqual([...before, "1 Timeout (virtual, 30000 ms interval)"]);
    clearInterval(interval);
    clearInterval(quiet);
    expect(globals.leakedTimers()).toEqual(before);
  });
});

describe("virtual Date and performance.now", () => {
  it("reads the clock for the current time and keeps the rest of Date", async () => {
    await advance(5_000);
    expect(Date.now()).toBe(clock.now());
    expect(new Date().getTime()).toBe(clock.now());
    expect(Date()).toBe(new RealDate(clock.now()).toString());
    expect(new Date(0).toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(new Date(2026, 0, 2).getFullYear()).toBe(2026);
    expect(Date.parse("2026-01-01T00:00:00Z")).toBe(START);
    expect(Date.UTC(2026, 0, 1)).toBe(START);
    expect(new Date()).toBeInstanceOf(Date);
    expect(new RealDate()).toBeInstanceOf(Date);
    expect(Math.abs(realDateNow() - Date.now())).toBeGreaterThan(1_000);
    class Stamp extends Date {}
    expect(new Stamp().getTime()).toBe(clock.now());
  });

  it("advances performance.now with the clock", async () => {
    const before = performance.now();
    await advance(2_500);
    expect(performance.now() - before).toBe(2_500);
  });
});

describe("node:timers and node:timers/promises", () => {
  it("named ESM imports and util.promisify see the virtual timers", async () => {
    const timers = await import("node:timers");
    const promises = await import("node:timers/promises");
    expect(timers.setTimeout).toBe(globalThis.setTimeout);
    const order: string[] = [];
    const from = clock.now();
    const slept = promises.setTimeout(300, "slept").then((v) => order.push(`${v}@${clock.now() - from}`));
    const waited = promisify(setTimeout)(200).then(() => order.push(`promisify@${clock.now() - from}`));
    const scheduled = promises.scheduler.wait(100).then(() => order.push(`wait@${clock.now() - from}`));
    await advance(299);
    expect(order).toEqual(["wait@100", "promisify@200"]);
    await advance(1);
    await Promise.all([slept, waited, scheduled]);
    expect(order).toEqual(["wait@100", "promisify@200", "slept@300"]);
  });

  it("rejects a promise timer with Node's AbortError when its signal aborts", async () => {
    const { setTimeout: sleep } = await import("node:timers/promises");
    const controller = new AbortController();
    const slept = sleep(1_000, undefined, { signal: controller.signal });
    controller.abort();
    await expect(slept).rejects.toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
    const already = sleep(1, undefined, { signal: controller.signal });
    await expect(already).rejects.toMatchObject({ name: "AbortError" });
  });

  it("iterates setInterval on the clock and stops when the loop breaks", async () => {
    const { setInterval: every } = await import("node:timers/promises");
    const before = globals.leakedTimers();
    const from = clock.now();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const _ of every(1_000, "tick")) {
        seen.push(clock.now() - from);
        if (seen.length === 3) break;
      }
    })();
    for (let i = 0; i < 4; i++) await advance(1_000);
    await loop;
    expect(seen).toEqual([1_000, 2_000, 3_000]);
    expect(globals.leakedTimers()).toEqual(before);
  });
});
