import { describe, expect, it } from "vitest";
import { A, B, C, EXACT_BACKOFF, connectionReset, httpError, kit } from "./engine-test-kit.ts";
import { step } from "./scripted-caller.ts";
import { createEngine, type StreamDelta } from "./engine.ts";
import { parseConfig } from "../config/parse-config.ts";

const chainABC = { model: A, fallback: { chains: { default: [A, B, C] }, backoff: EXACT_BACKOFF } };

describe("createEngine", () => {
  it("rejects missing ports with a message that names them", () => {
    const parsed = parseConfig({ model: A });
    if (!parsed.ok) throw new Error("test config invalid");
    expect(() => createEngine(parsed.config, {} as never)).toThrow(/missing port\(s\) clock, random, caller/);
  });
});

describe("the failover loop", () => {
  it("serves from the primary with one attempt and a non-fallback success", async () => {
    const k = kit(chainABC, { [A]: [step.ok("Hello")] });
    const result = await k.run();
    expect(result).toMatchObject({ model: A, text: "Hello", attempts: 1, fallback: false });
    expect(k.brief()).toEqual([`request [${A},${B},${C}]`, `attempt ${A} #1.1`, `success ${A}`]);
  });

  it("moves to the next model at once on a server error and promotes the model that served", async () => {
    const k = kit(chainABC, {
      [A]: [step.fail(httpError(500, { error: { message: "boom", type: "server_error" } }))],
      [B]: [step.ok("from B")],
    });
    const result = await k.run();
    expect(result).toMatchObject({ model: B, text: "from B", attempts: 2, fallback: true });
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} server_error fallback`,
      `attempt ${B} #2.1`,
      `promoted ${B}`,
      `success ${B} (fallback)`,
    ]);
    expect(k.clock.now() - k.start).toBe(0);
  });

  it("retries a rate limit on the same model after max(backoff, Retry-After)", async () => {
    const k = kit(chainABC, {
      [A]: [
        step.fail(
          httpError(
            429,
            { error: { type: "requests", code: "rate_limit_exceeded", message: "slow down" } },
            { "retry-after": "3" },
          ),
        ),
        step.ok(),
      ],
    });
    await k.run();
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} rate_limit retry 3000ms`,
      `attempt ${A} #2.2`,
      `success ${A}`,
    ]);
    const [first, second] = k.caller.callsTo(A);
    expect(second!.at - first!.at).toBe(3000);
  });

  it("waits the exponential backoff when it is longer than Retry-After", async () => {
    const k = kit(chainABC, {
      [A]: [
        step.fail(httpError(429, {}, { "retry-after-ms": "10" })),
        step.fail(httpError(429, {}, { "retry-after-ms": "10" })),
        step.ok(),
      ],
    });
    await k.run();
    const failures = k.sink.events().filter((e) => e.event === "fallback_failure");
    expect(failures.map((e) => e.delay_ms)).toEqual([2000, 4000]);
  });

  it("does not read the digits of '18.403s' in a 429 message as a 403", async () => {
    const message = "Rate limit reached. Please try again in 18.403s.";
    const k = kit(chainABC, {
      [A]: [
        step.fail(httpError(429, { error: { message, type: "requests", code: "rate_limit_exceeded" } })),
        step.ok(),
      ],
    });
    await k.run();
    expect(k.brief()[2]).toBe(`failure ${A} rate_limit retry 18403ms`);
  });

  it("gives up on a model after 1 + max_retries attempts, opening its circuit at the threshold", async () => {
    const unavailable = httpError(503, { error: { message: "overloaded", type: "server_error" } });
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, max_retries: 2 } },
      { [A]: [step.fail(unavailable)], [B]: [step.ok()] },
    );
    const result = await k.run();
    expect(result.model).toBe(B);
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} unavailable retry 1000ms`,
      `attempt ${A} #2.2`,
      `failure ${A} unavailable retry 2000ms`,
      `attempt ${A} #3.3`,
      `failure ${A} unavailable fallback`,
      `circuit ${A} closed>open unavailable`,
      `attempt ${B} #4.1`,
      `promoted ${B}`,
      `success ${B} (fallback)`,
    ]);
  });

  it("trips the circuit at once on an auth failure and never retries it", async () => {
    const k = kit(chainABC, {
      [A]: [
        step.fail(
          httpError(401, {
            error: {
              message: "Incorrect API key provided: sk-abc***",
              type: "invalid_request_error",
              code: "invalid_api_key",
            },
          }),
        ),
      ],
      [B]: [step.ok()],
    });
    await k.run();
    expect(k.brief().slice(1, 4)).toEqual([
      `attempt ${A} #1.1`,
      `failure ${A} auth fallback`,
      `circuit ${A} closed>open auth`,
    ]);
    expect(k.caller.callsTo(A)).toHaveLength(1);
  });

  it("fails at once on an invalid request and surfaces the provider's error untouched", async () => {
    const error = httpError(400, {
      error: {
        message: "Unsupported parameter: 'max_tokens'",
        type: "invalid_request_error",
        code: "unsupported_parameter",
      },
    });
    const k = kit(chainABC, { [A]: [step.fail(error)] });
    await expect(k.run()).rejects.toBe(error);
    expect(k.brief()).toEqual([
      `request [${A},${B},${C}]`,
      `attempt ${A} #1.1`,
      `failure ${A} invalid_request fail`,
      "exhausted invalid_request",
    ]);
    expect(k.caller.calls).toHaveLength(1);
  });

  it("reports every model's failure and ends with fallback_exhausted when the whole chain fails", async () => {
    const k = kit(chainABC, {
      [A]: [step.fail(httpError(404))],
      [B]: [step.fail(httpError(404))],
      [C]: [step.fail(httpError(404))],
    });
    await expect(k.run()).rejects.toMatchObject({
      name: "FallbackExhaustedError",
      reason: "model_not_found",
      attempts: 3,
    });
    expect(k.brief().at(-1)).toBe("exhausted model_not_found");
  });
});

describe("context overflow", () => {
  const overflow = () =>
    httpError(400, {
      type: "error",
      error: { type: "invalid_request_error", message: "prompt is too long: 208656 tokens > 200000 maximum" },
    });

  it("compacts once and retries the same model, without counting toward max_retries", async () => {
    const compacted: string[] = [];
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, max_retries: 0 } },
      { [A]: [step.fail(overflow()), step.ok("short")] },
      {
        compact: ({ prompt }) => {
          compacted.push(typeof prompt === "string" ? prompt : JSON.stringify(prompt));
          return Promise.resolve("compacted prompt");
        },
      },
    );
    const result = await k.run({ prompt: "a very long prompt" });
    expect(result).toMatchObject({ model: A, text: "short" });
    expect(compacted).toEqual(["a very long prompt"]);
    expect(k.caller.callsTo(A).map((c) => c.prompt)).toEqual(["a very long prompt", "compacted prompt"]);
    expect(k.brief().slice(1, 4)).toEqual([
      `attempt ${A} #1.1`,
      `failure ${A} context_overflow compact`,
      `attempt ${A} #2.2`,
    ]);
  });

  it("falls back when the request already compacted once", async () => {
    const k = kit(
      chainABC,
      { [A]: [step.fail(overflow())], [B]: [step.ok()] },
      { compact: () => Promise.resolve("smaller") },
    );
    await k.run();
    expect(k.brief().filter((l) => l.startsWith("failure"))).toEqual([
      `failure ${A} context_overflow compact`,
      `failure ${A} context_overflow fallback`,
    ]);
  });

  it("falls back without a compaction hook and never counts overflow against the breaker", async () => {
    const k = kit(chainABC, { [A]: [step.fail(overflow())], [B]: [step.ok()] });
    await k.run();
    expect(k.brief().filter((l) => l.startsWith("failure") || l.startsWith("circuit"))).toEqual([
      `failure ${A} context_overflow fallback`,
    ]);
  });
});

describe("fallback.enabled: false", () => {
  it("makes exactly one attempt on the primary and surfaces the error untouched", async () => {
    const error = httpError(503);
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, enabled: false } },
      { [A]: [step.fail(error)], [B]: [step.ok()] },
    );
    await expect(k.run()).rejects.toBe(error);
    expect(k.caller.calls).toHaveLength(1);
    expect(k.brief().filter((l) => l.startsWith("circuit"))).toEqual([]);
  });
});

describe("deadline", () => {
  it("does not take a wait that would pass the deadline and ends with reason deadline", async () => {
    const k = kit(
      { model: A, fallback: { backoff: EXACT_BACKOFF, deadline_ms: 5000 } },
      { [A]: [step.fail(httpError(429, {}, { "retry-after": "30" }))] },
    );
    await expect(k.run()).rejects.toMatchObject({ name: "FallbackExhaustedError", reason: "deadline" });
    expect(k.brief()).toEqual([
      `request [${A}]`,
      `attempt ${A} #1.1`,
      `failure ${A} rate_limit fallback`,
      "exhausted deadline",
    ]);
    expect(k.clock.now() - k.start).toBe(0);
  });

  it("cuts an attempt that runs into the deadline and never exceeds it", async () => {
    const k = kit(
      { model: A, fallback: { deadline_ms: 2000, ttft_timeout_ms: 60_000 } },
      { [A]: [step.hang()] },
    );
    await expect(k.run()).rejects.toMatchObject({ reason: "deadline" });
    expect(k.clock.now() - k.start).toBe(2000);
    expect(k.brief().at(-1)).toBe("exhausted deadline");
  });
});

describe("caller cancellation", () => {
  it("stops during a backoff wait and reports aborted", async () => {
    const controller = new AbortController();
    const k = kit(chainABC, { [A]: [step.fail(httpError(503)), step.ok()] });
    const pending = k.run({ signal: controller.signal });
    queueMicrotask(() => undefined);
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(k.brief().at(-1)).toBe("exhausted aborted");
    expect(k.caller.calls).toHaveLength(1);
  });

  it("stops a hanging attempt and releases the model without counting a failure", async () => {
    const controller = new AbortController();
    const k = kit(chainABC, { [A]: [step.hang()] });
    const pending = k.run({ signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(k.brief().slice(-2)).toEqual([`failure ${A} aborted fail`, "exhausted aborted"]);
    expect(k.engine.circuitState(A)).toBe("closed");
  });
});

describe("streaming", () => {
  it("delivers deltas and ends with exactly the serving model's text", async () => {
    const deltas: StreamDelta[] = [];
    const k = kit(chainABC, { [A]: [step.stream(["Hel", "lo"], 10)] });
    const result = await k.run({ stream: true, onDelta: (d) => deltas.push(d) });
    expect(result.text).toBe("Hello");
    expect(deltas.map((d) => (d.type === "text" ? d.text : "<reset>"))).toEqual(["Hel", "lo"]);
  });

  it("on a cut after the first token sends a reset before any new text, then restarts", async () => {
    const deltas: StreamDelta[] = [];
    const k = kit(chainABC, {
      [A]: [step.cutAfter(["Par", "tial"], connectionReset()), step.stream(["Full ", "answer"])],
    });
    const result = await k.run({ stream: true, onDelta: (d) => deltas.push(d) });
    expect(result).toMatchObject({ model: A, text: "Full answer" });
    expect(deltas.map((d) => (d.type === "text" ? d.text : "<reset>"))).toEqual([
      "Par",
      "tial",
      "<reset>",
      "Full ",
      "answer",
    ]);
    const afterReset = deltas.slice(deltas.findIndex((d) => d.type === "reset") + 1);
    expect(afterReset.map((d) => (d.type === "text" ? d.text : "")).join("")).toBe(result.text);
    expect(k.brief()[2]).toBe(`failure ${A} stream_cut retry 1000ms`);
  });

  it("never reports a stream that ended without its end marker as a success", async () => {
    const k = kit(chainABC, {
      [A]: [{ kind: "reply", chunks: ["40 of 60 words"], finish: null }],
      [B]: [step.ok("complete")],
    });
    const result = await k.run({ stream: true });
    expect(result).toMatchObject({ model: B, text: "complete" });
    expect(k.brief()).toContain(`failure ${A} stream_incomplete retry 1000ms`);
  });

  it("with mid_stream: fail ends the request on a failure after the first token", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, mid_stream: "fail" } },
      { [A]: [step.cutAfter(["Par"], connectionReset())], [B]: [step.ok()] },
    );
    await expect(k.run({ stream: true })).rejects.toBeDefined();
    expect(k.brief().slice(-2)).toEqual([`failure ${A} stream_cut fail`, "exhausted stream_cut"]);
    expect(k.caller.callsTo(B)).toHaveLength(0);
  });

  it("times out a missing first token on the injected clock", async () => {
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, ttft_timeout_ms: 5000, max_retries: 0 } },
      { [A]: [step.hang()], [B]: [step.ok()] },
    );
    const result = await k.run({ stream: true });
    expect(result.model).toBe(B);
    expect(k.brief()[2]).toBe(`failure ${A} ttft_timeout fallback`);
    expect(k.caller.callsTo(B)[0]!.at - k.start).toBe(5000);
  });

  it("detects a stall mid-stream and discards the partial text", async () => {
    const deltas: StreamDelta[] = [];
    const k = kit(
      { ...chainABC, fallback: { ...chainABC.fallback, stall_timeout_ms: 3000, max_retries: 0 } },
      { [A]: [step.hang(["some"])], [B]: [step.ok("whole")] },
    );
    const result = await k.run({ stream: true, onDelta: (d) => deltas.push(d) });
    expect(result.text).toBe("whole");
    expect(k.brief()[2]).toBe(`failure ${A} stream_stall fallback`);
    expect(deltas.map((d) => d.type)).toEqual(["text", "reset", "text"]);
  });
});

describe("circuit breaker in the loop", () => {
  const breakerConfig = {
    model: A,
    fallback: {
      chains: { default: [A, B] },
      backoff: EXACT_BACKOFF,
      max_retries: 0,
      circuit_breaker: { failure_threshold: 1, cooldown_ms: 60_000 },
    },
  };

  it("skips an open model, then probes it after the cooldown and closes it on success", async () => {
    const config = { ...breakerConfig, fallback: { ...breakerConfig.fallback, promote_on_success: false } };
    const k = kit(config, { [A]: [step.fail(httpError(500)), step.ok("A is back")], [B]: [step.ok("B")] });
    await k.run();
    const second = await k.run();
    expect(second.model).toBe(B);
    expect(k.brief().slice(-4)).toEqual([
      `request [${A},${B}]`,
      `skipped ${A} circuit_open`,
      `attempt ${B} #1.1`,
      `success ${B} (fallback)`,
    ]);
    k.clock.advance(60_000);
    const third = await k.run();
    expect(third).toMatchObject({ model: A, text: "A is back" });
    expect(k.brief().slice(-5)).toEqual([
      `request [${A},${B}]`,
      `circuit ${A} open>half_open cooldown_elapsed`,
      `attempt ${A} #1.1`,
      `circuit ${A} half_open>closed probe_success`,
      `success ${A}`,
    ]);
  });

  it("fail_fast ends with all_open when every circuit is open", async () => {
    const config = {
      ...breakerConfig,
      fallback: { ...breakerConfig.fallback, on_all_open: "fail_fast", promote_on_success: false },
    };
    const k = kit(config, { [A]: [step.fail(httpError(500))], [B]: [step.fail(httpError(500))] });
    await expect(k.run()).rejects.toMatchObject({ reason: "server_error" });
    await expect(k.run()).rejects.toMatchObject({
      name: "FallbackExhaustedError",
      reason: "all_open",
      attempts: 0,
    });
    expect(k.brief().slice(-3)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      "exhausted all_open",
    ]);
  });

  it("bypass tries the whole chain ignoring the breakers", async () => {
    const config = {
      ...breakerConfig,
      fallback: { ...breakerConfig.fallback, on_all_open: "bypass", promote_on_success: false },
    };
    const k = kit(config, {
      [A]: [step.fail(httpError(500)), step.ok("A")],
      [B]: [step.fail(httpError(500))],
    });
    await expect(k.run()).rejects.toBeDefined();
    const result = await k.run();
    expect(result.model).toBe(A);
    expect(k.brief().slice(-4)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      `attempt ${A} #1.1`,
      `success ${A}`,
    ]);
  });

  it("probe_soonest probes the model whose cooldown ends first, even before it is due", async () => {
    const config = { ...breakerConfig, fallback: { ...breakerConfig.fallback, promote_on_success: false } };
    const k = kit(config, {
      [A]: [step.fail(httpError(500)), step.ok("A")],
      [B]: [step.fail(httpError(500))],
    });
    await expect(k.run()).rejects.toMatchObject({ reason: "server_error" });
    k.clock.advance(1000);
    const result = await k.run();
    expect(result.model).toBe(A);
    expect(k.brief().slice(-6)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      `circuit ${A} open>half_open probe_forced`,
      `attempt ${A} #1.1`,
      `circuit ${A} half_open>closed probe_success`,
      `success ${A}`,
    ]);
  });

  it("lets only one concurrent request probe a half-open model", async () => {
    const config = { ...breakerConfig, fallback: { ...breakerConfig.fallback, promote_on_success: false } };
    const k = kit(config, { [A]: [step.fail(httpError(500)), step.ok("A", 100)], [B]: [step.ok("B", 100)] });
    await k.run();
    k.clock.advance(60_000);
    const { runOnVirtualTime } = await import("../../harness/sim/virtual-time.ts");
    const both = Promise.all([
      k.engine.run({ agent: "build", prompt: "1", stream: false }),
      k.engine.run({ agent: "build", prompt: "2", stream: false }),
    ]);
    const [first, second] = await runOnVirtualTime(k.clock, both);
    expect([first.model, second.model].sort()).toEqual([B, A].sort());
    expect(k.brief()).toContain(`skipped ${A} half_open_busy`);
  });

  it("trips on a quota error with a cooldown of max(cooldown_ms, Retry-After)", async () => {
    const k = kit(breakerConfig, {
      [A]: [
        step.fail(
          httpError(
            429,
            {
              error: {
                type: "insufficient_quota",
                code: "insufficient_quota",
                message: "You exceeded your current quota",
              },
            },
            { "retry-after": "7200" },
          ),
        ),
      ],
      [B]: [step.ok()],
    });
    await k.run();
    const transition = k.sink.events().find((e) => e.event === "circuit_transition");
    expect(transition).toMatchObject({
      from: "closed",
      to: "open",
      cause: "quota_exhausted",
      cooldown_until: new Date(k.start + 7_200_000).toISOString(),
    });
  });
});

describe("promotion", () => {
  it("puts the serving fallback at the head for sticky_ms, then the configured order returns", async () => {
    const config = { ...chainABC, fallback: { ...chainABC.fallback, sticky_ms: 10_000 } };
    const k = kit(config, { [A]: [step.fail(httpError(500)), step.ok("A")], [B]: [step.ok("B")] });
    await k.run();
    const second = await k.run();
    expect(second.model).toBe(B);
    expect(
      k.sink
        .events()
        .filter((e) => e.event === "fallback_request")
        .map((e) => e.chain[0]),
    ).toEqual([A, B]);
    k.clock.advance(10_000);
    const third = await k.run();
    expect(third.model).toBe(A);
  });
});

describe("audit", () => {
  it("writes integer latencies even when the clock runs on fractional milliseconds", async () => {
    const k = kit(chainABC, { [A]: [step.ok("Hello", 12.75)] });
    await k.run();
    const success = k.sink.events().find((e) => e.event === "fallback_success");
    expect(success).toMatchObject({ latency_ms: 13 });
  });

  it("numbers lines without gaps and never lets time go backwards", async () => {
    const k = kit(chainABC, { [A]: [step.fail(httpError(503)), step.ok()], [B]: [step.ok()] });
    await k.run();
    await k.run();
    const events = k.sink.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const times = events.map((e) => Date.parse(e.ts));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it("never writes the prompt, the completion or a key", async () => {
    const k = kit(chainABC, {
      [A]: [
        step.fail(
          httpError(401, {
            error: { message: "Incorrect API key provided: sk-live-SECRETSECRETSECRET1234" },
          }),
        ),
      ],
      [B]: [step.ok("THE COMPLETION")],
    });
    await k.run({ prompt: "THE PROMPT" });
    const text = k.sink.text();
    expect(text).not.toContain("THE PROMPT");
    expect(text).not.toContain("THE COMPLETION");
    expect(text).not.toContain("SECRETSECRET");
  });
});
