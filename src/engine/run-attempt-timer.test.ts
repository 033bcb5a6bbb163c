import { describe, expect, it } from "vitest";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { ManualClock, type ClockTimer } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import type { ModelCallRequest, ModelCaller } from "./ports.ts";
import { runAttempt, type AttemptInput, type AttemptOutcome } from "./run-attempt.ts";
import { ScriptedCaller, type ScriptStep } from "./scripted-caller.ts";

// The watchdog path for clocks that offer `timer` (the real clock): one timer per attempt, re-armed only
// when it fires before the current limit. Driven here by a manual clock that offers `timer` too and counts
// how often it is armed, so the same timings as run-attempt.test.ts can be checked deterministically.

const MODEL = "openai/gpt-a" as ModelId;
const LIMITS = { deadlineAt: 100_000, ttftTimeoutMs: 1000, stallTimeoutMs: 500 };

/** A manual clock with `timer`, built on its own sleeps; `armed` counts the timers started. */
class TimerManualClock extends ManualClock {
  armed = 0;

  timer(ms: number, onFire: () => void): ClockTimer {
    this.armed++;
    const stop = new AbortController();
    this.sleep(ms, stop.signal).then(onFire, () => undefined);
    return { cancel: () => stop.abort() };
  }
}

function attempt(
  script: readonly ScriptStep[],
  overrides: Partial<AttemptInput> = {},
): { clock: TimerManualClock; requests: ModelCallRequest[]; outcome: Promise<AttemptOutcome> } {
  const clock = new TimerManualClock(0);
  const inner = new ScriptedCaller(clock, { [MODEL]: script });
  const requests: ModelCallRequest[] = [];
  const caller: ModelCaller = {
    call: (request) => {
      requests.push(request);
      return inner.call(request);
    },
  };
  const input: AttemptInput = {
    caller,
    clock,
    model: MODEL,
    prompt: "hi",
    stream: true,
    callerSignal: undefined,
    ...LIMITS,
    onText: undefined,
    ...overrides,
  };
  return { clock, requests, outcome: runOnVirtualTime(clock, runAttempt(input)) };
}

describe("runAttempt on a clock with timer", () => {
  it("succeeds with one timer for the whole stream when the chunks keep the limit ahead of it", async () => {
    // TTFT limit 1000; chunks at 100, 200, 300 move the stall limit to 600, 700, 800: all before 1000,
    // so the first timer is re-armed earlier once (at the first chunk) and then left alone.
    const a = attempt([{ kind: "reply", chunks: ["a", "b", "c"], delayMs: 100 }]);
    expect(await a.outcome).toEqual({ ok: true, text: "abc" });
    expect(a.clock.now()).toBe(300);
    expect(a.clock.armed).toBe(2);
    expect(a.clock.pending).toBe(0);
  });

  it("re-arms the one timer when it fires before the stall limit that moved on, and still succeeds", async () => {
    // Stall limit 500 per chunk, chunks every 400 ms: the timer armed at 500 fires while the limit is 900,
    // and must re-arm rather than time the stream out.
    const a = attempt([{ kind: "reply", chunks: ["a", "b", "c"], delayMs: 400 }], { ttftTimeoutMs: 500 });
    expect(await a.outcome).toEqual({ ok: true, text: "abc" });
    expect(a.clock.now()).toBe(1200);
    expect(a.clock.pending).toBe(0);
  });

  it("fails with ttft_timeout at the TTFT limit and aborts the provider's signal", async () => {
    const a = attempt([{ kind: "hang" }]);
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(1000);
    expect(outcome).toMatchObject({ ok: false, source: "watchdog", error: { reason: "ttft_timeout" } });
    expect(a.requests[0]?.signal.aborted).toBe(true);
  });

  it("fails with stream_stall when a started stream goes quiet for stallTimeoutMs", async () => {
    const a = attempt([{ kind: "hang", chunks: ["a"] }]);
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(500);
    expect(outcome).toMatchObject({ ok: false, source: "watchdog", afterFirstToken: true });
    expect(outcome.ok ? null : outcome.error).toMatchObject({ reason: "stream_stall" });
  });

  it("fails with a TimeoutError at the deadline when it comes before the watchdog", async () => {
    const a = attempt([{ kind: "hang" }], { deadlineAt: 300 });
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(300);
    expect(outcome).toMatchObject({ ok: false, source: "deadline", error: { name: "TimeoutError" } });
  });

  it("ends at once with the caller's reason when the caller aborts, and forwards the abort", async () => {
    const controller = new AbortController();
    const a = attempt([{ kind: "hang" }], { callerSignal: controller.signal });
    await Promise.resolve();
    controller.abort("user left");
    expect(await a.outcome).toMatchObject({ ok: false, source: "caller", error: "user left" });
    expect(a.requests[0]?.signal.reason).toBe("user left");
    expect(a.clock.pending).toBe(0);
  });
});
