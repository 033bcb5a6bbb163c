import { describe, expect, it } from "vitest";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { A, B, EXACT_BACKOFF, httpError, kit } from "./engine-test-kit.ts";
import { step } from "./scripted-caller.ts";

/** Two models, one failure opens a circuit for a minute, one retry allowed, on_all_open at its default probe_soonest. */
const probeConfig = {
  model: A,
  fallback: {
    chains: { default: [A, B] },
    backoff: EXACT_BACKOFF,
    max_retries: 1,
    promote_on_success: false,
    circuit_breaker: { failure_threshold: 1, cooldown_ms: 60_000 },
  },
};

const auth = () => httpError(401, { error: { message: "bad key", type: "authentication_error" } });

describe("on_all_open: probe_soonest makes one half-open probe (SPEC §6)", () => {
  it("does not force again when the probe fails with a retry: the retry is denied and the request ends with the class reason", async () => {
    const k = kit(probeConfig, {
      [A]: [step.fail(auth()), step.fail(httpError(503))],
      [B]: [step.fail(auth())],
    });
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    k.clock.advance(1000);
    await expect(k.run()).rejects.toMatchObject({
      name: "FallbackExhaustedError",
      reason: "unavailable",
      attempts: 1,
    });
    expect(k.caller.callsTo(A)).toHaveLength(2);
    expect(k.brief().slice(-8)).toEqual([
      `skipped ${A} circuit_open`,
      `skipped ${B} circuit_open`,
      `circuit ${A} open>half_open probe_forced`,
      `attempt ${A} #1.1`,
      `failure ${A} unavailable retry 1000ms`,
      `circuit ${A} half_open>open unavailable`,
      `skipped ${A} circuit_open`,
      "exhausted unavailable",
    ]);
  });

  it("ends with the class reason when the probe fails with a fallback, trying no other model", async () => {
    const k = kit(probeConfig, {
      [A]: [step.fail(auth()), step.fail(httpError(500))],
      [B]: [step.fail(auth())],
    });
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    k.clock.advance(1000);
    await expect(k.run()).rejects.toMatchObject({
      name: "FallbackExhaustedError",
      reason: "server_error",
      attempts: 1,
    });
    expect(k.caller.callsTo(B)).toHaveLength(1);
    expect(k.brief().at(-1)).toBe("exhausted server_error");
  });

  it("chooses the soonest cooldown when it forces the probe, after a concurrent request half-opened that model", async () => {
    // A opens first, so its cooldown ends first; B fails 10 ms later.
    const k = kit(probeConfig, {
      [A]: [step.fail(auth()), step.ok("from A", 100)],
      [B]: [step.fail(auth(), 10), step.ok("from B", 100)],
    });
    await expect(k.run()).rejects.toMatchObject({ reason: "auth" });
    k.clock.advance(1000);
    const both = Promise.all([
      k.engine.run({ agent: "build", prompt: "1", stream: false }),
      k.engine.run({ agent: "build", prompt: "2", stream: false }),
    ]);
    const [first, second] = await runOnVirtualTime(k.clock, both);
    // The second forced probe finds A half-open with its one probe in flight: B is the soonest open model then.
    expect([first.model, second.model]).toEqual([A, B]);
    expect(k.brief()).toEqual(
      expect.arrayContaining([
        `circuit ${A} open>half_open probe_forced`,
        `circuit ${B} open>half_open probe_forced`,
      ]),
    );
    expect(k.brief()).not.toContain(`skipped ${A} half_open_busy`);
  });
});
