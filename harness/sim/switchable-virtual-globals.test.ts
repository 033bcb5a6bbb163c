import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { installSwitchableVirtualGlobals } from "./virtual-globals.ts";

// A warm isolate's install (harness/sandbox/scenario-isolate.ts): one install, one clock per scenario. Its own
// file: the install is for the whole vitest worker and has no uninstall.
const START = Date.UTC(2026, 0, 1);

async function turn(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe("switchable virtual globals", () => {
  it("put Date, performance.now and timers on the clock of the scenario now running, each starting over", async () => {
    const globals = installSwitchableVirtualGlobals();
    // Captured once, as an engine module may capture them at import: they follow the current clock.
    const capturedSetTimeout = globalThis.setTimeout;

    const first = new ManualClock(START);
    const firstGlobals = globals.use(first);
    const perfAtStart = performance.now();
    const fired: string[] = [];
    capturedSetTimeout(() => fired.push("first"), 1_000);
    setInterval(() => fired.push("first-interval"), 5_000);
    first.advance(1_000);
    await turn();
    expect(fired).toEqual(["first"]);
    expect(Date.now()).toBe(START + 1_000);
    expect(performance.now() - perfAtStart).toBe(1_000);
    expect(firstGlobals.leakedTimers()).toEqual(["1 Timeout (virtual, 5000 ms interval)"]);

    const second = new ManualClock(START);
    const secondGlobals = globals.use(second);
    expect(Date.now()).toBe(START);
    expect(performance.now()).toBe(perfAtStart);
    // The second scenario starts with no timers of its own; the first's interval stays on a clock no one drives.
    expect(secondGlobals.leakedTimers()).toEqual([]);
    capturedSetTimeout(() => fired.push("second"), 1_000);
    second.advance(5_000);
    await turn();
    expect(fired).toEqual(["first", "second"]);
    expect(new Date().getTime()).toBe(START + 5_000);
  });
});
