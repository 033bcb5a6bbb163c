import { describe, expect, it, vi } from "vitest";
import { MemoryAuditSink } from "../audit/memory-sink.ts";
import { parseConfig } from "../config/parse-config.ts";
import { ManualClock } from "../core/clock.ts";
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
