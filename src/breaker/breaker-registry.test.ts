import { describe, expect, it } from "vitest";
import type { BreakerSettings } from "../config/settings.ts";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { BreakerRegistry } from "./breaker-registry.ts";

const A = "openai/gpt-4o" as ModelId;
const B = "anthropic/claude-sonnet-4" as ModelId;
const C = "google/gemini-2.5-pro" as ModelId;
const SETTINGS: BreakerSettings = {
  enabled: true,
  failure_threshold: 3,
  window_ms: 60_000,
  cooldown_ms: 10_000,
  half_open_probes: 1,
  success_threshold: 1,
};
const serverError = { effect: "failure", reason: "server_error", probe: false } as const;
const auth = { effect: "trip", reason: "auth", probe: false } as const;

describe("BreakerRegistry", () => {
  it("keeps one circuit per model", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    expect(breakers.stateOf(A, clock.now())).toBe("open");
    expect(breakers.stateOf(B, clock.now())).toBe("closed");
    expect(breakers.acquire(B, clock.now(), SETTINGS).decision).toEqual({ granted: true, probe: false });
  });

  it("returns the transitions each call caused, in the order they happened", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    const t0 = clock.now();
    expect(breakers.recordFailure(A, serverError, t0, SETTINGS)).toEqual([]);
    expect(breakers.recordFailure(A, serverError, t0, SETTINGS)).toEqual([]);
    expect(breakers.recordFailure(A, serverError, t0, SETTINGS)).toEqual([
      { from: "closed", to: "open", failures: 3, cooldownUntil: t0 + 10_000, cause: "server_error" },
    ]);
    clock.advance(10_000);
    const permit = breakers.acquire(A, clock.now(), SETTINGS);
    expect(permit).toEqual({
      decision: { granted: true, probe: true, epoch: 1 },
      transitions: [
        { from: "open", to: "half_open", failures: 3, cooldownUntil: null, cause: "cooldown_elapsed" },
      ],
    });
    expect(breakers.recordSuccess(A, permit.decision, clock.now(), SETTINGS)).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("does not move a circuit by looking: stateOf stays open after the cooldown until a permit is asked", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    clock.advance(60_000);
    expect(breakers.stateOf(A, clock.now())).toBe("open");
    breakers.acquire(A, clock.now(), SETTINGS);
    expect(breakers.stateOf(A, clock.now())).toBe("half_open");
  });

  it("counts half-open permits exactly when three simulated requests interleave", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    clock.advance(10_000);
    // Requests r1, r2, r3 ask in turn before any of them finishes.
    const r1 = breakers.acquire(A, clock.now(), SETTINGS).decision;
    const r2 = breakers.acquire(A, clock.now(), SETTINGS).decision;
    const r3 = breakers.acquire(A, clock.now(), SETTINGS).decision;
    expect([r1, r2, r3]).toEqual([
      { granted: true, probe: true, epoch: 1 },
      { granted: false, reason: "half_open_busy" },
      { granted: false, reason: "half_open_busy" },
    ]);
    // r1's probe ends without a verdict (aborted): the slot comes back and the next asker gets it.
    expect(breakers.release(A, r1, clock.now(), SETTINGS)).toEqual([]);
    const r2again = breakers.acquire(A, clock.now(), SETTINGS).decision;
    expect(r2again).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(breakers.acquire(A, clock.now(), SETTINGS).decision).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
    expect(breakers.snapshot(A)).toEqual({ kind: "half_open", probesInFlight: 1, successes: 0, epoch: 1 });
  });

  it("with two probes and success_threshold 2 closes only when both interleaved probes succeed", () => {
    const settings = { ...SETTINGS, half_open_probes: 2, success_threshold: 2 };
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), settings);
    clock.advance(10_000);
    const p1 = breakers.acquire(A, clock.now(), settings);
    const p2 = breakers.acquire(A, clock.now(), settings);
    expect(p1.transitions).toHaveLength(1);
    expect(p2.transitions).toEqual([]);
    expect(breakers.acquire(A, clock.now(), settings).decision).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
    expect(breakers.recordSuccess(A, p2.decision, clock.now(), settings)).toEqual([]);
    expect(breakers.recordSuccess(A, p1.decision, clock.now(), settings)).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("does not let a probe from a finished half-open period free a slot of the next period", () => {
    const settings = { ...SETTINGS, half_open_probes: 2 };
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), settings);
    clock.advance(10_000);
    const slow = breakers.acquire(A, clock.now(), settings).decision;
    const fast = breakers.acquire(A, clock.now(), settings).decision;
    breakers.recordFailure(A, { effect: "failure", reason: "timeout", probe: fast }, clock.now(), settings);
    clock.advance(10_000);
    const c = breakers.acquire(A, clock.now(), settings).decision;
    const d = breakers.acquire(A, clock.now(), settings).decision;
    expect([c, d]).toEqual([
      { granted: true, probe: true, epoch: 2 },
      { granted: true, probe: true, epoch: 2 },
    ]);
    // The slow probe of epoch 1 answers now: it must neither close the circuit nor open a third slot.
    expect(breakers.recordSuccess(A, slow, clock.now(), settings)).toEqual([]);
    expect(breakers.acquire(A, clock.now(), settings).decision).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
  });

  it("ignores a late success of a request permitted before the circuit opened", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    const early = breakers.acquire(A, clock.now(), SETTINGS).decision;
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    expect(breakers.recordSuccess(A, early, clock.now() + 5, SETTINGS)).toEqual([]);
    expect(breakers.stateOf(A, clock.now())).toBe("open");
  });

  it("throws a fix-it message when a probe outcome is reported twice", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    clock.advance(10_000);
    const probe = breakers.acquire(A, clock.now(), SETTINGS).decision;
    breakers.release(A, probe, clock.now(), SETTINGS);
    expect(() => breakers.release(A, probe, clock.now(), SETTINGS)).toThrow(
      /^Failed to record a circuit release for openai\/gpt-4o: .*exactly once/,
    );
  });

  it("with the breaker disabled grants everything, records nothing and stays closed", () => {
    const off = { ...SETTINGS, enabled: false };
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    for (let i = 0; i < 5; i++) expect(breakers.recordFailure(A, auth, clock.now(), off)).toEqual([]);
    expect(breakers.acquire(A, clock.now(), off, { force: true })).toEqual({
      decision: { granted: true, probe: false },
      transitions: [],
    });
    expect(breakers.recordSuccess(A, true, clock.now(), off)).toEqual([]);
    expect(breakers.stateOf(A, clock.now())).toBe("closed");
  });

  it("forces a half-open probe before the cooldown is due", () => {
    const clock = new ManualClock();
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, clock.now(), SETTINGS);
    expect(breakers.acquire(A, clock.now() + 1, SETTINGS).decision).toEqual({
      granted: false,
      reason: "circuit_open",
    });
    const forced = breakers.acquire(A, clock.now() + 1, SETTINGS, { force: true });
    expect(forced.decision).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(forced.transitions.map((t) => t.cause)).toEqual(["probe_forced"]);
  });
});

describe("soonestToClose", () => {
  it("picks the open model whose cooldown ends first, skipping closed models", () => {
    const breakers = new BreakerRegistry();
    const t0 = Date.UTC(2026, 0, 1);
    breakers.recordFailure(A, { ...auth, cooldownMs: 50_000 }, t0, SETTINGS);
    breakers.recordFailure(B, auth, t0 + 1_000, SETTINGS);
    expect(breakers.soonestToClose([A, B, C])).toBe(B);
  });

  it("breaks ties by chain order and returns undefined when nothing is open", () => {
    const breakers = new BreakerRegistry();
    const t0 = Date.UTC(2026, 0, 1);
    expect(breakers.soonestToClose([A, B])).toBeUndefined();
    breakers.recordFailure(A, auth, t0, SETTINGS);
    breakers.recordFailure(B, auth, t0, SETTINGS);
    expect(breakers.soonestToClose([B, A])).toBe(B);
    expect(breakers.soonestToClose([A, B])).toBe(A);
  });
});

describe("BreakerRegistry: outcomes", () => {
  it("changes nothing for a failure whose effect is none, and forgets counted failures on a success", () => {
    const breakers = new BreakerRegistry();
    const t0 = 0;
    breakers.recordFailure(A, serverError, t0, SETTINGS);
    expect(
      breakers.recordFailure(A, { effect: "none", reason: "context_overflow", probe: false }, t0, SETTINGS),
    ).toEqual([]);
    expect(breakers.snapshot(A)).toMatchObject({ kind: "closed", failures: [t0] });
    expect(breakers.recordSuccess(A, false, t0, SETTINGS)).toEqual([]);
    expect(breakers.snapshot(A)).toMatchObject({ kind: "closed", failures: [] });
  });

  it("takes a bare `true` as the probe of the current half-open period", () => {
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, 0, SETTINGS);
    expect(breakers.acquire(A, 10_000, SETTINGS).decision).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(breakers.recordSuccess(A, true, 10_001, SETTINGS)).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("ignores a late probe answer that names no period once the slot was given back", () => {
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, 0, SETTINGS);
    const { decision } = breakers.acquire(A, 10_000, SETTINGS);
    breakers.release(A, decision, 10_001, SETTINGS);
    expect(breakers.recordSuccess(A, true, 10_002, SETTINGS)).toEqual([]);
    expect(breakers.snapshot(A)).toMatchObject({ kind: "half_open", probesInFlight: 0 });
  });

  it("refuses a probe outcome from a period the circuit has not reached, naming both", () => {
    const breakers = new BreakerRegistry();
    breakers.recordFailure(A, auth, 0, SETTINGS);
    breakers.acquire(A, 10_000, SETTINGS);
    expect(() =>
      breakers.recordSuccess(A, { granted: true, probe: true, epoch: 5 }, 10_001, SETTINGS),
    ).toThrow(
      "Failed to record a circuit success for openai/gpt-4o: a probe outcome names epoch 5, but the circuit has only reached epoch 1. Report each permit's outcome exactly once, passing the granted decision as the probe.",
    );
  });
});
