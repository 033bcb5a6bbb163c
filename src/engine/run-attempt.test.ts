import { describe, expect, it } from "vitest";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { StreamFailureError } from "../classify/stream-failure.ts";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import type { ModelCallPart, ModelCallRequest, ModelCaller } from "./ports.ts";
import { runAttempt, type AttemptInput, type AttemptOutcome } from "./run-attempt.ts";
import { ScriptedCaller, type ScriptStep } from "./scripted-caller.ts";

const MODEL = "openai/gpt-a" as ModelId;

/** Watchdogs and deadline far apart, so each test moves only the one it is about. */
const LIMITS = { deadlineAt: 100_000, ttftTimeoutMs: 1000, stallTimeoutMs: 500 };

interface Attempt {
  readonly clock: ManualClock;
  readonly texts: string[];
  /** The request each call received, so tests can look at the signal the attempt gave the provider. */
  readonly requests: ModelCallRequest[];
  readonly outcome: Promise<AttemptOutcome>;
}

/** Runs one attempt on a manual clock (starting at 0) against `caller` or a scripted one. */
function attempt(
  script: readonly ScriptStep[] | ((clock: ManualClock) => ModelCaller),
  overrides: Partial<AttemptInput> = {},
): Attempt {
  const clock = new ManualClock(0);
  const inner = typeof script === "function" ? script(clock) : new ScriptedCaller(clock, { [MODEL]: script });
  const requests: ModelCallRequest[] = [];
  const caller: ModelCaller = {
    call: (request) => {
      requests.push(request);
      return inner.call(request);
    },
  };
  const texts: string[] = [];
  const input: AttemptInput = {
    caller,
    clock,
    model: MODEL,
    prompt: "hi",
    stream: true,
    callerSignal: undefined,
    ...LIMITS,
    onText: (text) => texts.push(text),
    ...overrides,
  };
  return { clock, texts, requests, outcome: runOnVirtualTime(clock, runAttempt(input)) };
}

/** A caller whose single call yields `parts` and then ends; `onReturn` sees the engine close the iterator. */
function partsCaller(
  parts: readonly ModelCallPart[],
  iterator: Partial<AsyncIterator<ModelCallPart>> = {},
): ModelCaller {
  return {
    call: () => ({
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () =>
            Promise.resolve(
              i < parts.length
                ? { done: false, value: parts[i++] as ModelCallPart }
                : { done: true, value: undefined },
            ),
          ...iterator,
        };
      },
    }),
  };
}

describe("runAttempt: a stream that finishes", () => {
  it("succeeds with the text of every chunk and streams each chunk as it arrives", async () => {
    const a = attempt([{ kind: "reply", chunks: ["Hel", "lo"], delayMs: 100 }]);
    expect(await a.outcome).toEqual({ ok: true, text: "Hello" });
    expect(a.texts).toEqual(["Hel", "lo"]);
    expect(a.clock.now()).toBe(200);
  });

  it("delivers no text along the way when the request does not stream", async () => {
    const a = attempt([{ kind: "reply", chunks: ["Hello"] }], { stream: false });
    expect(await a.outcome).toEqual({ ok: true, text: "Hello" });
    expect(a.texts).toEqual([]);
    expect(a.requests[0]?.stream).toBe(false);
  });

  it("accepts stop, length and tool-calls as a clean finish", async () => {
    for (const finish of ["stop", "length", "tool-calls"] as const) {
      expect(await attempt([{ kind: "reply", chunks: ["x"], finish }]).outcome).toEqual({
        ok: true,
        text: "x",
      });
    }
  });

  it("leaves no watchdog sleeping on the clock once it is over", async () => {
    const a = attempt([{ kind: "reply", chunks: ["a", "b"], delayMs: 10 }]);
    await a.outcome;
    expect(a.clock.pending).toBe(0);
  });
});

describe("runAttempt: a stream that does not finish cleanly is a failure, never a truncated success", () => {
  it("reports a content-filter finish as the provider's failure", async () => {
    const outcome = await attempt([{ kind: "reply", chunks: ["partial"], finish: "content-filter" }]).outcome;
    expect(outcome).toEqual({
      ok: false,
      error: { finishReason: "content-filter" },
      source: "provider",
      afterFirstToken: true,
    });
  });

  it("reports an error finish as a cut stream", async () => {
    const outcome = await attempt([{ kind: "reply", chunks: [], finish: "error" }]).outcome;
    expect(outcome).toMatchObject({ ok: false, source: "provider", afterFirstToken: false });
    expect(outcome.ok ? null : outcome.error).toEqual(
      new StreamFailureError("stream_cut", "The stream finished with an error."),
    );
  });

  it("reports other and unknown finishes, and an end without finish, as an incomplete stream", async () => {
    for (const finish of ["other", "unknown", null] as const) {
      const outcome = await attempt([{ kind: "reply", chunks: ["x"], finish }]).outcome;
      expect(outcome).toMatchObject({ ok: false, source: "provider", afterFirstToken: true });
      const error = outcome.ok ? null : outcome.error;
      expect(error).toBeInstanceOf(StreamFailureError);
      expect(error).toMatchObject({
        reason: "stream_incomplete",
        message: "The stream ended without its end marker.",
      });
    }
  });

  it("reports an in-band error part and a thrown error as they are, from the provider", async () => {
    const inBand = new Error("overloaded");
    expect(await attempt([{ kind: "error-part", error: inBand, chunks: ["a"] }]).outcome).toEqual({
      ok: false,
      error: inBand,
      source: "provider",
      afterFirstToken: true,
    });
    const thrown = new Error("503");
    expect(await attempt([{ kind: "throw", error: thrown }]).outcome).toEqual({
      ok: false,
      error: thrown,
      source: "provider",
      afterFirstToken: false,
    });
  });

  it("reports a caller whose call throws synchronously as the provider's failure", async () => {
    const boom = new Error("no such provider");
    const outcome = await attempt(() => ({
      call: () => {
        throw boom;
      },
    })).outcome;
    expect(outcome).toEqual({ ok: false, error: boom, source: "provider", afterFirstToken: false });
  });

  it("does not abort the provider's signal for a failure the provider reported itself", async () => {
    const a = attempt([{ kind: "throw", error: new Error("503"), chunks: ["a"] }]);
    await a.outcome;
    expect(a.requests[0]?.signal.aborted).toBe(false);
  });
});

describe("runAttempt: watchdogs", () => {
  it("fails with ttft_timeout when no text arrives within ttftTimeoutMs of the start, and aborts the call", async () => {
    const a = attempt([{ kind: "hang" }]);
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(1000);
    expect(outcome).toMatchObject({ ok: false, source: "watchdog", afterFirstToken: false });
    const error = outcome.ok ? null : outcome.error;
    expect(error).toMatchObject({
      name: "StreamFailureError",
      reason: "ttft_timeout",
      message: "No first token within 1000 ms.",
    });
    expect(a.requests[0]?.signal.aborted).toBe(true);
    expect(a.requests[0]?.signal.reason).toBe(error);
  });

  it("counts empty text parts as no first token, measuring from the start of the attempt", async () => {
    // Empty deltas at 600 and 1200: the first token never came within 1000 ms of the start.
    const a = attempt([{ kind: "reply", chunks: ["", ""], delayMs: 600 }]);
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(1000);
    expect(outcome).toMatchObject({
      ok: false,
      source: "watchdog",
      afterFirstToken: false,
      error: { reason: "ttft_timeout" },
    });
    expect(a.texts).toEqual([]);
  });

  it("accepts a first token just inside the TTFT timeout", async () => {
    const a = attempt([{ kind: "reply", chunks: ["late"], firstDelayMs: 999 }]);
    expect(await a.outcome).toEqual({ ok: true, text: "late" });
  });

  it("fails with stream_stall when a started stream goes quiet for stallTimeoutMs", async () => {
    const a = attempt([{ kind: "hang", chunks: ["a"] }]);
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(500);
    expect(outcome).toMatchObject({ ok: false, source: "watchdog", afterFirstToken: true });
    expect(outcome.ok ? null : outcome.error).toMatchObject({
      name: "StreamFailureError",
      reason: "stream_stall",
      message: "No data for 500 ms mid-stream.",
    });
    expect(a.texts).toEqual(["a"]);
  });

  it("restarts the stall watchdog at every chunk", async () => {
    const a = attempt([{ kind: "reply", chunks: ["a", "b", "c"], delayMs: 400 }], { ttftTimeoutMs: 500 });
    expect(await a.outcome).toEqual({ ok: true, text: "abc" });
    expect(a.clock.now()).toBe(1200);
  });
});

describe("runAttempt: the deadline", () => {
  it("fails with a TimeoutError when the request's deadline comes before the watchdog", async () => {
    const a = attempt([{ kind: "hang" }], { deadlineAt: 300 });
    const outcome = await a.outcome;
    expect(a.clock.now()).toBe(300);
    expect(outcome).toMatchObject({ ok: false, source: "deadline", afterFirstToken: false });
    const error = outcome.ok ? null : outcome.error;
    expect(error).toMatchObject({
      name: "TimeoutError",
      message: "The request's deadline (fallback.deadline_ms) passed during the attempt.",
    });
    expect(a.requests[0]?.signal.reason).toBe(error);
  });

  it("blames the watchdog when the deadline and the watchdog fall at the same moment", async () => {
    const outcome = await attempt([{ kind: "hang" }], { deadlineAt: 1000 }).outcome;
    expect(outcome).toMatchObject({ ok: false, source: "watchdog", error: { reason: "ttft_timeout" } });
  });

  it("cuts a stream mid-way at the deadline, keeping that text was delivered", async () => {
    const outcome = await attempt([{ kind: "reply", chunks: ["a", "b"], delayMs: 400 }], { deadlineAt: 600 })
      .outcome;
    expect(outcome).toMatchObject({ ok: false, source: "deadline", afterFirstToken: true });
  });

  it("never asks the clock for a negative wait when the deadline has already passed", async () => {
    const clock = new ManualClock(5000);
    const waits: number[] = [];
    const recording = Object.assign(Object.create(clock) as ManualClock, {
      sleep: (ms: number, signal?: AbortSignal) => {
        waits.push(ms);
        return clock.sleep(ms, signal);
      },
      cancellableSleep: (ms: number) => {
        waits.push(ms);
        return clock.cancellableSleep(ms);
      },
      now: () => clock.now(),
    });
    const caller = new ScriptedCaller(clock, { [MODEL]: [{ kind: "hang" }] });
    const outcome = await runOnVirtualTime(
      clock,
      runAttempt({
        caller,
        clock: recording,
        model: MODEL,
        prompt: "hi",
        stream: false,
        callerSignal: undefined,
        onText: undefined,
        ...LIMITS,
        deadlineAt: 4000,
      }),
    );
    expect(outcome).toMatchObject({ ok: false, source: "deadline" });
    expect(waits).toEqual([0]);
  });
});

describe("runAttempt: the caller's cancellation", () => {
  it("makes no call when the caller has already aborted", async () => {
    const controller = new AbortController();
    controller.abort("gone");
    const a = attempt([{ kind: "reply", chunks: ["x"] }], { callerSignal: controller.signal });
    expect(await a.outcome).toEqual({ ok: false, error: "gone", source: "caller", afterFirstToken: false });
    expect(a.requests).toEqual([]);
  });

  it("ends at once with the caller's own reason, and forwards the abort to the provider", async () => {
    const controller = new AbortController();
    const a = attempt([{ kind: "hang", chunks: ["a"] }], { callerSignal: controller.signal });
    void a.clock.sleep(200).then(() => controller.abort("user left"));
    const outcome = await a.outcome;
    expect(outcome).toEqual({ ok: false, error: "user left", source: "caller", afterFirstToken: true });
    expect(a.clock.now()).toBe(200);
    expect(a.requests[0]?.signal.reason).toBe("user left");
  });

  it("aborts the provider's signal in the same turn as the caller's abort", async () => {
    const controller = new AbortController();
    const a = attempt([{ kind: "hang" }], { callerSignal: controller.signal });
    let providerAbortedAtOnce: boolean | undefined;
    void a.clock.sleep(200).then(() => {
      controller.abort("user left");
      providerAbortedAtOnce = a.requests[0]?.signal.aborted;
    });
    await a.outcome;
    expect(providerAbortedAtOnce).toBe(true);
  });

  it("blames the caller for a provider error raised after the caller aborted", async () => {
    const controller = new AbortController();
    const raised = new Error("aborted by user");
    const caller = (): ModelCaller =>
      partsCaller([], {
        next: () => {
          controller.abort("user left");
          return Promise.reject(raised);
        },
      });
    const outcome = await attempt(caller, { callerSignal: controller.signal }).outcome;
    expect(outcome).toEqual({ ok: false, error: raised, source: "caller", afterFirstToken: false });
  });

  it("blames the caller when the call itself throws because the caller aborted", async () => {
    const controller = new AbortController();
    const raised = new Error("aborted by user");
    const caller = (): ModelCaller => ({
      call: () => {
        controller.abort("user left");
        throw raised;
      },
    });
    const outcome = await attempt(caller, { callerSignal: controller.signal }).outcome;
    expect(outcome).toEqual({ ok: false, error: raised, source: "caller", afterFirstToken: false });
  });

  it("stops listening to the caller's signal once the attempt is over", async () => {
    const controller = new AbortController();
    const a = attempt([{ kind: "reply", chunks: ["x"] }], { callerSignal: controller.signal });
    await a.outcome;
    controller.abort("late");
    expect(a.requests[0]?.signal.aborted).toBe(false);
  });
});

describe("runAttempt: closing the provider's stream", () => {
  it("closes the iterator of a failed stream, and survives a close that rejects or is missing", async () => {
    let closed = 0;
    const rejecting = partsCaller(
      [
        { type: "text", text: "a" },
        { type: "error", error: "bad" },
      ],
      {
        return: () => {
          closed++;
          return Promise.reject(new Error("close failed"));
        },
      },
    );
    expect(await attempt(() => rejecting).outcome).toEqual({
      ok: false,
      error: "bad",
      source: "provider",
      afterFirstToken: true,
    });
    expect(closed).toBe(1);

    const noReturn = partsCaller([{ type: "error", error: "bad" }]);
    expect(await attempt(() => noReturn).outcome).toEqual({
      ok: false,
      error: "bad",
      source: "provider",
      afterFirstToken: false,
    });
  });
});
