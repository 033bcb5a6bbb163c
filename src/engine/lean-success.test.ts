import { describe, expect, it, vi } from "vitest";
import { MemoryAuditSink } from "../audit/memory-sink.ts";
import { parseConfig } from "../config/parse-config.ts";
import { ManualClock, type ClockTimer } from "../core/clock.ts";
import { createRandom } from "../core/random.ts";
import { createEngine, type EnginePorts } from "./engine.ts";
import { A, B } from "./engine-test-kit.ts";
import type { ModelCaller, ModelCallPart } from "./ports.ts";

// The success path's costs that are invisible in the audit: how often the clock is read (a system call on
// some machines) and whether lines are built with nowhere to go. A regression here is a slower engine.

/** A manual clock that counts `now()` calls. */
class CountingClock extends ManualClock {
  reads = 0;

  override now(): number {
    this.reads++;
    return super.now();
  }
}

/** A caller that answers at once, reading nothing of the request but the model. */
const answers: ModelCaller = {
  async *call(): AsyncGenerator<ModelCallPart> {
    await Promise.resolve();
    yield { type: "text", text: "ok" };
    yield { type: "finish", finishReason: "stop" };
  },
};

function engineOn(clock: CountingClock, ports: Partial<EnginePorts> = {}) {
  const parsed = parseConfig({
    model: A,
    fallback: { chains: { default: [A, B] }, circuit_breaker: { enabled: true } },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return createEngine(parsed.config, { clock, random: createRandom(1), caller: answers, ...ports });
}

describe("the success path (first attempt served, breaker closed)", () => {
  it("reads the clock once per synchronous step: at the start, after the text, after the finish", async () => {
    for (const audit of [undefined, new MemoryAuditSink()]) {
      const clock = new CountingClock(0);
      const engine = engineOn(clock, audit === undefined ? {} : { audit });
      await engine.run({ agent: "build", prompt: "hi", stream: false });
      clock.reads = 0;
      const result = await engine.run({ agent: "build", prompt: "hi", stream: false });
      expect(result).toMatchObject({ model: A, text: "ok", attempts: 1 });
      // With audit on the three lines are stamped from those same readings.
      expect(clock.reads).toBe(3);
      if (audit !== undefined) expect(audit.lines).toHaveLength(6);
    }
  });

  it("with no audit sink, serves the same answer without serialising anything", async () => {
    const engine = engineOn(new CountingClock(0));
    await engine.run({ agent: "build", prompt: "hi", stream: false }); // plans are built (and cached) here
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      await expect(engine.run({ agent: "build", prompt: "hi", stream: false })).resolves.toMatchObject({
        model: A,
        text: "ok",
        fallback: false,
      });
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });
});

/** A manual clock that offers `timer` (as the real clock does), so attempts take the watchdog hub's path. */
class TimerCountingClock extends CountingClock {
  armed = 0;

  timer(): ClockTimer {
    this.armed++;
    return { cancel: () => undefined, unref: () => undefined, ref: () => undefined };
  }
}

/** Microtask turns until `promise` settles. */
async function turnsUntil(promise: Promise<unknown>): Promise<number> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  let turns = 0;
  while (!settled) {
    await Promise.resolve();
    turns++;
  }
  return turns;
}

/** The caller's stream consumed bare, as an app without the engine would. */
async function bare(): Promise<string> {
  let text = "";
  for await (const part of answers.call({
    model: A,
    prompt: "hi",
    stream: false,
    signal: new AbortController().signal,
  }))
    if (part.type === "text") text += part.text;
  return text;
}

describe("the success path on a clock with timer (the real clock's path)", () => {
  it("settles within one microtask turn of the bare caller: a part is handled in the turn it arrives", async () => {
    const clock = new TimerCountingClock(0);
    const engine = engineOn(clock);
    await engine.run({ agent: "build", prompt: "hi", stream: false });
    const bareTurns = await turnsUntil(bare());
    const engineTurns = await turnsUntil(engine.run({ agent: "build", prompt: "hi", stream: false }));
    // An async loop with a promise per step, under two async layers, took three turns more than bare.
    expect(engineTurns).toBeLessThanOrEqual(bareTurns + 1);
    expect(clock.armed).toBeGreaterThan(0); // the watchdog ran on the timer path
  });
});
