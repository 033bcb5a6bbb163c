import { describe, expect, it } from "vitest";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import type { ModelCallPart } from "./ports.ts";
import { ScriptedCaller, step, type ScriptStep } from "./scripted-caller.ts";

const A = "openai/gpt-a" as ModelId;
const B = "anthropic/claude-b" as ModelId;

/** Every part of one call, or the parts before it threw and what it threw. */
async function collect(
  parts: AsyncIterable<ModelCallPart>,
): Promise<{ parts: ModelCallPart[]; threw?: unknown }> {
  const out: ModelCallPart[] = [];
  try {
    for await (const part of parts) out.push(part);
    return { parts: out };
  } catch (error) {
    return { parts: out, threw: error };
  }
}

function call(
  caller: ScriptedCaller,
  model: ModelId,
  signal = new AbortController().signal,
): AsyncIterable<ModelCallPart> {
  return caller.call({ model, prompt: "hi", stream: true, signal });
}

describe("ScriptedCaller: scripts", () => {
  it("replies with its chunks and a stop finish, without touching the clock when there is no delay", async () => {
    const clock = new ManualClock(0);
    const caller = new ScriptedCaller(clock, { [A]: [{ kind: "reply", chunks: ["Hel", "lo"] }] });
    expect(await collect(call(caller, A))).toEqual({
      parts: [
        { type: "text", text: "Hel" },
        { type: "text", text: "lo" },
        { type: "finish", finishReason: "stop" },
      ],
    });
    expect(clock.pending).toBe(0);
  });

  it("plays steps in order and repeats the last one", async () => {
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [step.ok("one"), step.ok("two")] });
    const texts: unknown[] = [];
    for (let i = 0; i < 3; i++) texts.push((await collect(call(caller, A))).parts[0]);
    expect(texts).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
      { type: "text", text: "two" },
    ]);
  });

  it("replies with one empty chunk for an empty script", async () => {
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [] });
    expect(await collect(call(caller, A))).toEqual({
      parts: [
        { type: "text", text: "" },
        { type: "finish", finishReason: "stop" },
      ],
    });
  });

  it("throws a NoSuchModelError for a model without a script", async () => {
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [step.ok()] });
    const { parts, threw } = await collect(call(caller, B));
    expect(parts).toEqual([]);
    expect(threw).toMatchObject({ name: "NoSuchModelError", message: `No script for ${B}` });
  });

  it("replaces a script and starts it from its first step", async () => {
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [step.ok("old")] });
    await collect(call(caller, A));
    caller.script(A, [step.ok("new 1"), step.ok("new 2")]);
    expect((await collect(call(caller, A))).parts[0]).toEqual({ type: "text", text: "new 1" });
  });

  it("finishes with the scripted reason, or just ends when finish is null", async () => {
    const caller = new ScriptedCaller(new ManualClock(0), {
      [A]: [
        { kind: "reply", chunks: ["x"], finish: "length" },
        { kind: "reply", chunks: ["x"], finish: null },
      ],
    });
    expect((await collect(call(caller, A))).parts.at(-1)).toEqual({ type: "finish", finishReason: "length" });
    expect((await collect(call(caller, A))).parts).toEqual([{ type: "text", text: "x" }]);
  });

  it("throws after its chunks, or yields an in-band error part", async () => {
    const boom = new Error("boom");
    const caller = new ScriptedCaller(new ManualClock(0), {
      [A]: [step.cutAfter(["a"], boom), { kind: "error-part", error: "bad", chunks: ["b"] }],
    });
    expect(await collect(call(caller, A))).toEqual({ parts: [{ type: "text", text: "a" }], threw: boom });
    expect(await collect(call(caller, A))).toEqual({
      parts: [
        { type: "text", text: "b" },
        { type: "error", error: "bad" },
      ],
    });
  });
});

describe("ScriptedCaller: time", () => {
  it("waits delayMs before each chunk, and firstDelayMs before the first when given", async () => {
    const clock = new ManualClock(0);
    const caller = new ScriptedCaller(clock, {
      [A]: [
        { kind: "reply", chunks: ["a", "b"], delayMs: 100, firstDelayMs: 700 },
        step.stream(["c", "d"], 50),
      ],
    });
    const seen: number[] = [];
    const timed = async (): Promise<void> => {
      for await (const part of call(caller, A)) if (part.type === "text") seen.push(clock.now());
    };
    await runOnVirtualTime(clock, timed());
    expect(seen).toEqual([700, 800]);
    seen.length = 0;
    await runOnVirtualTime(clock, timed());
    expect(seen).toEqual([850, 900]);
  });

  it("waits before a thrown error's chunks too", async () => {
    const clock = new ManualClock(0);
    const caller = new ScriptedCaller(clock, {
      [A]: [{ kind: "throw", error: "late", chunks: ["a"], delayMs: 30 }],
    });
    const result = await runOnVirtualTime(clock, collect(call(caller, A)));
    expect(result).toEqual({ parts: [{ type: "text", text: "a" }], threw: "late" });
    expect(clock.now()).toBe(30);
  });

  it("records each call with its model, prompt, stream flag and time", () => {
    const clock = new ManualClock(1000);
    const caller = new ScriptedCaller(clock, { [A]: [step.ok()], [B]: [step.ok()] });
    caller.call({ model: A, prompt: "p1", stream: false, signal: new AbortController().signal });
    clock.advance(5);
    caller.call({ model: B, prompt: "p2", stream: true, signal: new AbortController().signal });
    expect(caller.calls).toEqual([
      { model: A, prompt: "p1", stream: false, at: 1000 },
      { model: B, prompt: "p2", stream: true, at: 1005 },
    ]);
    expect(caller.callsTo(B)).toEqual([{ model: B, prompt: "p2", stream: true, at: 1005 }]);
  });
});

describe("ScriptedCaller: abort", () => {
  it("throws the abort reason before the next chunk once the signal is aborted", async () => {
    const controller = new AbortController();
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [step.stream(["a", "b"])] });
    const parts: ModelCallPart[] = [];
    const reason = new Error("stop");
    let threw: unknown;
    try {
      for await (const part of call(caller, A, controller.signal)) {
        parts.push(part);
        controller.abort(reason);
      }
    } catch (error) {
      threw = error;
    }
    expect(parts).toEqual([{ type: "text", text: "a" }]);
    expect(threw).toBe(reason);
  });

  it("rejects a pending delay as soon as the signal aborts", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const caller = new ScriptedCaller(clock, { [A]: [step.stream(["a"], 1000)] });
    const pending = collect(call(caller, A, controller.signal));
    void clock.sleep(10).then(() => controller.abort(new Error("cancelled")));
    const result = await runOnVirtualTime(clock, pending);
    expect(result.parts).toEqual([]);
    expect(result.threw).toMatchObject({ message: "cancelled" });
  });

  it("hangs after its chunks until aborted, then throws an AbortError carrying a non-Error reason", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const caller = new ScriptedCaller(clock, { [A]: [step.hang(["a"])] });
    const pending = collect(call(caller, A, controller.signal));
    void clock.sleep(10).then(() => controller.abort("user left"));
    const result = await runOnVirtualTime(clock, pending);
    expect(result.parts).toEqual([{ type: "text", text: "a" }]);
    expect(result.threw).toMatchObject({ name: "AbortError", cause: "user left" });
    expect(clock.now()).toBe(10);
  });

  it("throws at once when a hang starts on a signal already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("already");
    const hang: ScriptStep = { kind: "hang" };
    const caller = new ScriptedCaller(new ManualClock(0), { [A]: [hang] });
    controller.abort(reason);
    expect(await collect(call(caller, A, controller.signal))).toEqual({ parts: [], threw: reason });
  });
});

describe("step shorthands", () => {
  it("build the steps they name", () => {
    expect(step.ok()).toEqual({ kind: "reply", chunks: ["Hello"], delayMs: 0 });
    expect(step.ok("x", 5)).toEqual({ kind: "reply", chunks: ["x"], delayMs: 5 });
    expect(step.stream(["a", "b"])).toEqual({ kind: "reply", chunks: ["a", "b"], delayMs: 0 });
    expect(step.fail("e")).toEqual({ kind: "throw", error: "e", delayMs: 0 });
    expect(step.fail("e", 9)).toEqual({ kind: "throw", error: "e", delayMs: 9 });
    expect(step.cutAfter(["a"], "e")).toEqual({ kind: "throw", error: "e", chunks: ["a"] });
    expect(step.hang()).toEqual({ kind: "hang", chunks: [] });
  });
});
