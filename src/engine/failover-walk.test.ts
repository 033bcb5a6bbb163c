import { describe, expect, it } from "vitest";
import { A, B, C, EXACT_BACKOFF, connectionReset, httpError, kit } from "./engine-test-kit.ts";
import { FallbackConfigError } from "./errors.ts";
import type { StreamDelta } from "./engine.ts";
import { step } from "./scripted-caller.ts";

const chainABC = { model: A, fallback: { chains: { default: [A, B, C] }, backoff: EXACT_BACKOFF } };
const auth = () => httpError(401, { error: { message: "bad key", type: "authentication_error" } });

describe("FailoverRequest: chain resolution", () => {
  it("ends with a FallbackConfigError that says what to set when no model is configured", async () => {
    const k = kit({}, {});
    const error: unknown = await k.run({ agent: "plan" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackConfigError);
    expect((error as Error).message).toBe(
      'Failed to resolve a model chain: no model configured for agent "plan" (no explicit model, agent model, global model or chain). Set "model", agent.plan.model or a chain in opencode.json.',
    );
    expect(k.brief()).toEqual([]);
  });

  it("puts the model the request names first when the chain lacks it", async () => {
    const k = kit({ model: A, fallback: { chains: { default: [A, C] } } }, { [B]: [step.ok("from B")] });
    expect(await k.run({ model: B })).toMatchObject({ model: B, fallback: false });
    expect(k.sink.events()[0]).toMatchObject({ event: "fallback_request", chain: [B, A, C], primary: B });
  });
});

describe("FailoverRequest: the deadline between attempts", () => {
  it("skips every model left once the deadline has passed, and ends with reason deadline", async () => {
    // A hangs until its 1 s first-token timeout, which is also the request's whole budget.
    const k = kit(
      {
        ...chainABC,
        fallback: { ...chainABC.fallback, deadline_ms: 1000, ttft_timeout_ms: 1000, max_retries: 0 },
      },
      { [A]: [step.hang()] },
    );
    const error: unknown = await k.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "FallbackExhaustedError", reason: "deadline", attempts: 1 });
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} ttft_timeout fallback`,
      `skipped ${B} deadline`,
      `skipped ${C} deadline`,
      "exhausted deadline",
    ]);
    expect((error as Error).cause).toMatchObject({ reason: "ttft_timeout" });
    expect(k.sink.events().at(-1)).toMatchObject({ error_type: "NetworkTransient" });
  });
});

describe("FailoverRequest: every circuit open", () => {
  const openAll = { failure_threshold: 1, cooldown_ms: 60_000 };

  it("fails fast with reason all_open and no attempt under fail_fast", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          circuit_breaker: openAll,
          on_all_open: "fail_fast",
          chains: { default: [A, B] },
        },
      },
      { [A]: [step.fail(auth())], [B]: [step.fail(auth())] },
    );
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    const error: unknown = await k.run().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "FallbackExhaustedError",
      reason: "all_open",
      attempts: 0,
      classification: null,
    });
    expect((error as Error).message).toContain(
      "every model's circuit is open (fallback.on_all_open is fail_fast)",
    );
    expect(k.brief().slice(-3)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      "exhausted all_open",
    ]);
    expect(k.sink.events().at(-1)).toMatchObject({
      event: "fallback_exhausted",
      attempts: 0,
      error_type: null,
      reason: "all_open",
    });
  });

  it("walks the chain again without breakers under bypass, leaving the circuits as they are", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          circuit_breaker: openAll,
          on_all_open: "bypass",
          chains: { default: [A, B] },
        },
      },
      { [A]: [step.fail(auth()), step.ok("from A")], [B]: [step.fail(auth())] },
    );
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    expect(await k.run()).toMatchObject({ model: A, text: "from A", attempts: 1 });
    expect(k.brief().slice(-4)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      `attempt ${A} #1.1`,
      `success ${A}`,
    ]);
    expect(k.engine.circuitState(A)).toBe("open");
  });
});

describe("FailoverRequest: breakers", () => {
  it("opens a quota-exhausted model for the longer of its cooldown and its Retry-After", async () => {
    const quota = httpError(
      429,
      { error: { message: "quota", code: "insufficient_quota" } },
      { "retry-after": "120" },
    );
    const k = kit(
      {
        ...chainABC,
        fallback: { ...chainABC.fallback, circuit_breaker: { failure_threshold: 1, cooldown_ms: 60_000 } },
      },
      { [A]: [step.fail(quota)], [B]: [step.ok()] },
    );
    await k.run();
    const opened = k.sink.events().find((e) => e.event === "circuit_transition" && e.to === "open");
    expect(opened).toMatchObject({ model: A, cooldown_until: new Date(k.start + 120_000).toISOString() });
  });

  it("keeps the configured cooldown when the Retry-After is shorter", async () => {
    const quota = httpError(
      402,
      { error: { message: "credit", code: "insufficient_quota" } },
      { "retry-after": "5" },
    );
    const k = kit(
      {
        ...chainABC,
        fallback: { ...chainABC.fallback, circuit_breaker: { failure_threshold: 1, cooldown_ms: 60_000 } },
      },
      { [A]: [step.fail(quota)], [B]: [step.ok()] },
    );
    await k.run();
    const opened = k.sink.events().find((e) => e.event === "circuit_transition" && e.to === "open");
    expect(opened).toMatchObject({ model: A, cooldown_until: new Date(k.start + 60_000).toISOString() });
  });

  it("leaves the breakers alone when circuit_breaker.enabled is false", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          promote_on_success: false,
          circuit_breaker: { enabled: false, failure_threshold: 1 },
        },
      },
      { [A]: [step.fail(auth()), step.ok("A again")], [B]: [step.ok()] },
    );
    await k.run();
    expect(await k.run()).toMatchObject({ model: A });
    expect(k.brief().filter((l) => l.startsWith("circuit") || l.startsWith("skipped"))).toEqual([]);
  });
});

describe("FailoverRequest: promotion", () => {
  it("writes the promotion with the time it ends, and serves the promoted model first next time", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, sticky_ms: 10_000 } },
      { [A]: [step.fail(httpError(500))], [B]: [step.ok("from B")] },
    );
    await k.run();
    expect(k.sink.events().find((e) => e.event === "fallback_promoted")).toMatchObject({
      model: B,
      until: new Date(k.start + 10_000).toISOString(),
    });
    expect(await k.run()).toMatchObject({ model: B, fallback: false, attempts: 1 });
  });

  it("does not promote when promote_on_success is false", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, promote_on_success: false } },
      { [A]: [step.fail(httpError(500)), step.ok("A")], [B]: [step.ok("from B")] },
    );
    expect(await k.run()).toMatchObject({ model: B, fallback: true });
    expect(k.brief().some((l) => l.startsWith("promoted"))).toBe(false);
    expect(await k.run()).toMatchObject({ model: A, fallback: false });
  });

  it("does not promote the configured head when it serves as a fallback behind a promoted model", async () => {
    const k = kit(chainABC, {
      [A]: [step.fail(httpError(500)), step.ok("A is back")],
      [B]: [step.ok("from B"), step.fail(httpError(500))],
    });
    await k.run();
    expect(await k.run()).toMatchObject({ model: A, fallback: true });
    expect(k.brief().filter((l) => l.startsWith("promoted"))).toEqual([`promoted ${B}`]);
  });
});

describe("FailoverRequest: streaming resets", () => {
  it("sends no reset when the request does not stream", async () => {
    const deltas: StreamDelta[] = [];
    const k = kit(chainABC, { [A]: [step.cutAfter(["Par"], connectionReset()), step.ok("Full")] });
    await k.run({ stream: false, onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual([]);
  });

  it("sends no reset for a failure before the first token, and names the model and reason of a reset", async () => {
    const deltas: StreamDelta[] = [];
    const k = kit(chainABC, {
      [A]: [step.fail(connectionReset()), step.cutAfter(["Par"], connectionReset()), step.ok("Full")],
    });
    await k.run({ stream: true, onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual([
      { type: "text", text: "Par", model: A },
      { type: "reset", model: A, reason: "stream_cut" },
      { type: "text", text: "Full", model: A },
    ]);
    expect(k.brief().filter((l) => l.startsWith("failure"))).toEqual([
      `failure ${A} connection retry 1000ms`,
      `failure ${A} stream_cut retry 2000ms`,
    ]);
  });
});

describe("FailoverRequest: audit numbers", () => {
  it("reports whole-millisecond latencies on a clock that runs on fractions", async () => {
    const k = kit(chainABC, { [A]: [step.ok("x", 10.6)] });
    await k.run();
    expect(k.sink.events().find((e) => e.event === "fallback_success")).toMatchObject({ latency_ms: 11 });
  });

  it("numbers attempts across the request and per model", async () => {
    const k = kit(chainABC, {
      [A]: [step.fail(httpError(503)), step.fail(httpError(500))],
      [B]: [step.ok()],
    });
    const result = await k.run();
    expect(result).toMatchObject({ model: B, attempts: 3, fallback: true, requestId: "req-000001" });
    expect(k.brief().filter((l) => l.startsWith("attempt"))).toEqual([
      `attempt ${A} #1.1`,
      `attempt ${A} #2.2`,
      `attempt ${B} #3.1`,
    ]);
  });
});

describe("FailoverRequest: walks that do not use the breakers", () => {
  const tripOnce = { failure_threshold: 1, cooldown_ms: 60_000 };

  it("leaves the circuits untouched under fallback.enabled: false, even for a tripping failure", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, enabled: false, circuit_breaker: tripOnce } },
      { [A]: [step.fail(auth())] },
    );
    await expect(k.run()).rejects.toMatchObject({ statusCode: 401 });
    expect(k.engine.circuitState(A)).toBe("closed");
  });

  it("does not reset failures counted by other requests when a request without breakers succeeds", async () => {
    // Two agents share model A's circuit; only "build" uses the breakers.
    const k = kit(
      {
        model: A,
        fallback: {
          chains: { default: [A] },
          backoff: EXACT_BACKOFF,
          max_retries: 0,
          circuit_breaker: { failure_threshold: 2 },
        },
        agent: { plan: { fallback: { enabled: false } } },
      },
      { [A]: [step.fail(httpError(500)), step.ok("plan served"), step.fail(httpError(500))] },
    );
    await expect(k.run()).rejects.toBeDefined();
    expect(await k.run({ agent: "plan" })).toMatchObject({ text: "plan served" });
    await expect(k.run()).rejects.toBeDefined();
    expect(k.engine.circuitState(A)).toBe("open");
  });

  it("falls back along the chain when bypassing open circuits, instead of stopping at the first failure", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          circuit_breaker: tripOnce,
          on_all_open: "bypass",
          chains: { default: [A, B] },
        },
      },
      { [A]: [step.fail(auth()), step.fail(httpError(500))], [B]: [step.fail(auth()), step.ok("from B")] },
    );
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    expect(await k.run()).toMatchObject({ model: B, text: "from B" });
  });
});

describe("FailoverRequest: classification settings", () => {
  it("classifies with the configured Retry-After cap", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, retry_after_cap_ms: 10_000 } },
      { [A]: [step.fail(httpError(429, {}, { "retry-after": "30" }))], [B]: [step.ok()] },
    );
    await k.run();
    expect(k.brief()[2]).toBe(`failure ${A} quota_exhausted fallback`);
  });

  it("measures a date Retry-After from the engine's clock", async () => {
    const at = new Date(Date.UTC(2026, 0, 1) + 5000).toUTCString();
    const k = kit(chainABC, { [A]: [step.fail(httpError(429, {}, { "retry-after": at })), step.ok()] });
    await k.run();
    expect(k.sink.events().find((e) => e.event === "fallback_failure")).toMatchObject({
      retry_after_ms: 5000,
    });
  });
});

describe("FailoverRequest: the caller's cancellation", () => {
  it("reports an attempt the caller aborted as aborted, whatever the abort reason", async () => {
    const controller = new AbortController();
    const k = kit(chainABC, { [A]: [step.hang()] });
    const pending = k.run({ signal: controller.signal });
    void k.clock.sleep(100).then(() => controller.abort(new Error("user closed the tab")));
    await expect(pending).rejects.toThrow("user closed the tab");
    expect(k.brief().slice(-2)).toEqual([`failure ${A} aborted fail`, "exhausted aborted"]);
    expect(k.sink.events().at(-1)).toMatchObject({ error_type: "LogicError" });
  });

  it("ends at once when the caller aborts during a backoff wait", async () => {
    const controller = new AbortController();
    const k = kit(chainABC, { [A]: [step.fail(httpError(503)), step.ok()] });
    const pending = k.run({ signal: controller.signal });
    void k.clock.sleep(500).then(() => controller.abort(new Error("stop")));
    await expect(pending).rejects.toThrow("stop");
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} unavailable retry 1000ms`,
      "exhausted aborted",
    ]);
    expect(k.sink.events().at(-1)).toMatchObject({ error_type: "LogicError", reason: "aborted" });
  });
});

describe("FailoverRequest: an attempt cut by the deadline", () => {
  it("ends the request without trying the models after it", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, deadline_ms: 2000, ttft_timeout_ms: 60_000 } },
      { [A]: [step.hang()] },
    );
    await expect(k.run()).rejects.toMatchObject({
      name: "FallbackExhaustedError",
      reason: "deadline",
      attempts: 1,
    });
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} timeout fail`,
      "exhausted deadline",
    ]);
  });
});

describe("FailoverRequest: compaction and retries", () => {
  it("does not count the compaction retry against max_retries", async () => {
    const overflow = httpError(400, {
      error: { type: "invalid_request_error", code: "context_length_exceeded", message: "too long" },
    });
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, max_retries: 1 } },
      { [A]: [step.fail(overflow), step.fail(httpError(503)), step.ok("done")] },
      { compact: () => Promise.resolve("shorter") },
    );
    expect(await k.run()).toMatchObject({ model: A, text: "done" });
    expect(k.brief().filter((l) => l.startsWith("failure"))).toEqual([
      `failure ${A} context_overflow compact`,
      `failure ${A} unavailable retry 1000ms`,
    ]);
  });
});

describe("FailoverRequest: circuit lines", () => {
  it("opens a rate-limited model for cooldown_ms, whatever its Retry-After", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          max_retries: 0,
          circuit_breaker: { failure_threshold: 1, cooldown_ms: 10_000 },
        },
      },
      { [A]: [step.fail(httpError(429, {}, { "retry-after": "30" }))], [B]: [step.ok()] },
    );
    await k.run();
    const opened = k.sink.events().find((e) => e.event === "circuit_transition" && e.to === "open");
    expect(opened).toMatchObject({
      model: A,
      cause: "rate_limit",
      cooldown_until: new Date(k.start + 10_000).toISOString(),
    });
  });

  it("writes a null cooldown_until for a transition that has none", async () => {
    const k = kit(
      {
        ...chainABC,
        fallback: {
          ...chainABC.fallback,
          promote_on_success: false,
          circuit_breaker: { failure_threshold: 1, cooldown_ms: 1000 },
        },
      },
      { [A]: [step.fail(auth()), step.ok("A back")], [B]: [step.ok()] },
    );
    await k.run();
    k.clock.advance(1000);
    expect(await k.run()).toMatchObject({ text: "A back" });
    const closed = k.sink.events().find((e) => e.event === "circuit_transition" && e.to === "closed");
    expect(closed).toMatchObject({ model: A, from: "half_open", cooldown_until: null });
  });
});
