import { describe, expect, it } from "vitest";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { MemoryAuditSink } from "../audit/memory-sink.ts";
import { parseConfig } from "../config/parse-config.ts";
import type { EngineConfig } from "../config/settings.ts";
import { ManualClock } from "../core/clock.ts";
import { createRandom } from "../core/random.ts";
import { A, httpError } from "./engine-test-kit.ts";
import { createEngine, type EnginePorts } from "./engine.ts";
import { ScriptedCaller, step } from "./scripted-caller.ts";

function configOf(raw: unknown): EngineConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error("test config invalid");
  return parsed.config;
}

function ports(overrides: Partial<EnginePorts> = {}): EnginePorts {
  const clock = new ManualClock(0);
  return {
    clock,
    random: createRandom(1),
    caller: new ScriptedCaller(clock, { [A]: [step.ok("hi")] }),
    ...overrides,
  };
}

describe("createEngine: start-up checks", () => {
  it("names exactly the ports that are missing or not objects", () => {
    const { clock, caller } = ports();
    expect(() => createEngine(configOf({ model: A }), { clock, caller, random: null } as never)).toThrow(
      new TypeError(
        "Failed to create the engine: missing port(s) random. Pass { clock, random, caller } (see EnginePorts).",
      ),
    );
    expect(() => createEngine(configOf({ model: A }), { clock: 5, random: {}, caller } as never)).toThrow(
      /missing port\(s\) clock\./,
    );
  });

  it("refuses a config that did not come from parseConfig", () => {
    const message =
      "Failed to create the engine: config is not a parsed EngineConfig. Pass the result of parseConfig(...).config.";
    for (const config of [
      null,
      "opencode.json",
      { model: A },
      { model: A, agent: {}, chains: {}, fallback: null },
      Object.assign(() => undefined, { fallback: {} }),
    ]) {
      expect(() => createEngine(config as never, ports()), JSON.stringify(config)).toThrow(
        new TypeError(message),
      );
    }
  });
});

describe("createEngine: request ids, audit and state", () => {
  it("numbers requests req-000001, req-000002, … per engine, unless given its own ids", async () => {
    const p = ports();
    const engine = createEngine(configOf({ model: A }), p);
    const clock = p.clock as ManualClock;
    const first = await runOnVirtualTime(clock, engine.run({ agent: "build", prompt: "1", stream: false }));
    const second = await runOnVirtualTime(clock, engine.run({ agent: "build", prompt: "2", stream: false }));
    expect([first.requestId, second.requestId]).toEqual(["req-000001", "req-000002"]);

    const own = createEngine(configOf({ model: A }), ports({ requestId: () => "mine" }));
    expect((await own.run({ agent: "build", prompt: "1", stream: false })).requestId).toBe("mine");
  });

  it("writes the audit to the given sink and closes it with the engine", async () => {
    const closed: string[] = [];
    const sink = Object.assign(new MemoryAuditSink(), {
      close: () => {
        closed.push("closed");
        return Promise.resolve();
      },
    });
    const engine = createEngine(configOf({ model: A }), ports({ audit: sink }));
    await engine.run({ agent: "build", prompt: "1", stream: false });
    expect(sink.events().map((e) => e.event)).toEqual([
      "fallback_request",
      "fallback_attempt",
      "fallback_success",
    ]);
    await engine.close();
    expect(closed).toEqual(["closed"]);
  });

  it("runs without an audit sink, and closes one that has no close", async () => {
    const engine = createEngine(configOf({ model: A }), ports());
    expect((await engine.run({ agent: "build", prompt: "1", stream: false })).text).toBe("hi");
    await expect(engine.close()).resolves.toBeUndefined();
    const plain = createEngine(configOf({ model: A }), ports({ audit: { append: () => undefined } }));
    await expect(plain.close()).resolves.toBeUndefined();
  });

  it("validates audit lines only when asked to", async () => {
    // An audit line whose model is not a model id fails the schema; the config carries one only by mistake.
    const config = { ...configOf({ model: A }), model: "not-a-model-id" } as EngineConfig;
    const caller = (clock: ManualClock) => new ScriptedCaller(clock, { "not-a-model-id": [step.ok()] });
    const clock = new ManualClock(0);
    const lax = createEngine(config, ports({ clock, caller: caller(clock), audit: new MemoryAuditSink() }));
    await expect(lax.run({ agent: "build", prompt: "1", stream: false })).resolves.toMatchObject({
      text: "Hello",
    });
    const strict = createEngine(
      config,
      ports({ clock, caller: caller(clock), audit: new MemoryAuditSink(), validateAudit: true }),
    );
    await expect(strict.run({ agent: "build", prompt: "1", stream: false })).rejects.toThrow(/audit/i);
  });

  it("reports a model's circuit state at the clock's current time", async () => {
    const clock = new ManualClock(0);
    const caller = new ScriptedCaller(clock, { [A]: [step.fail(httpError(401))] });
    const engine = createEngine(
      configOf({ model: A, fallback: { circuit_breaker: { failure_threshold: 1, cooldown_ms: 1000 } } }),
      ports({ clock, caller }),
    );
    expect(engine.circuitState(A)).toBe("closed");
    await expect(engine.run({ agent: "build", prompt: "1", stream: false })).rejects.toBeDefined();
    expect(engine.circuitState(A)).toBe("open");
  });
});
