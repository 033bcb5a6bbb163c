import { describe, expect, it } from "vitest";
import type { BreakerSettings } from "../config/settings.ts";
import {
  INITIAL_BREAKER_STATE,
  LEGAL_TRANSITIONS,
  isLegalTransition,
  transition,
  type BreakerInput,
  type BreakerState,
  type BreakerStep,
  type CircuitStateName,
} from "./breaker.ts";

const T0 = Date.UTC(2026, 0, 1);
const SETTINGS: BreakerSettings = {
  enabled: true,
  failure_threshold: 3,
  window_ms: 60_000,
  cooldown_ms: 10_000,
  half_open_probes: 1,
  success_threshold: 1,
};

const PERMIT: BreakerInput = { type: "permit" };
const FAIL: BreakerInput = { type: "failure", effect: "failure", reason: "server_error", probe: false };
const TRIP: BreakerInput = { type: "failure", effect: "trip", reason: "auth", probe: false };
const OK: BreakerInput = { type: "success", probe: false };
const PROBE_OK: BreakerInput = { type: "success", probe: true };
const PROBE_FAIL: BreakerInput = { type: "failure", effect: "failure", reason: "timeout", probe: true };

/** Unwraps a step that must be legal. */
function ok(step: BreakerStep): Extract<BreakerStep, { ok: true }> {
  if (!step.ok) throw new Error(`expected a legal step, got: ${step.error}`);
  return step;
}

/** Feeds inputs at given times, returning the last step. */
function run(
  state: BreakerState,
  inputs: ReadonlyArray<readonly [number, BreakerInput]>,
  settings = SETTINGS,
): Extract<BreakerStep, { ok: true }> {
  let step: Extract<BreakerStep, { ok: true }> = { ok: true, state, transitions: [] };
  for (const [at, input] of inputs) step = ok(transition(step.state, input, at, settings));
  return step;
}

const openAt = (at: number, failures = 3, epoch = 0): BreakerState => ({
  kind: "open",
  openedAt: at,
  cooldownUntil: at + SETTINGS.cooldown_ms,
  failures,
  epoch,
});
const halfOpen = (probesInFlight: number, successes = 0, epoch = 1): BreakerState => ({
  kind: "half_open",
  probesInFlight,
  successes,
  epoch,
});

describe("legal transitions", () => {
  it("lists exactly the four edges of SPEC §7", () => {
    const all: CircuitStateName[] = ["closed", "open", "half_open"];
    const legal = all.flatMap((from) =>
      all.filter((to) => isLegalTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(legal.sort()).toEqual(["closed->open", "half_open->closed", "half_open->open", "open->half_open"]);
    expect(LEGAL_TRANSITIONS).toHaveLength(4);
  });
});

describe("closed", () => {
  it("grants a non-probe permit and stays closed", () => {
    const step = ok(transition(INITIAL_BREAKER_STATE, PERMIT, T0, SETTINGS));
    expect(step.permit).toEqual({ granted: true, probe: false });
    expect(step.transitions).toEqual([]);
    expect(step.state).toBe(INITIAL_BREAKER_STATE);
  });

  it("stays closed below the threshold and opens when failures reach it (≥)", () => {
    const two = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 1, FAIL],
    ]);
    expect(two.state).toEqual({ kind: "closed", failures: [T0, T0 + 1], epoch: 0 });
    expect(two.transitions).toEqual([]);
    const third = ok(transition(two.state, FAIL, T0 + 2, SETTINGS));
    expect(third.state).toEqual({
      kind: "open",
      openedAt: T0 + 2,
      cooldownUntil: T0 + 2 + 10_000,
      failures: 3,
      epoch: 0,
    });
    expect(third.transitions).toEqual([
      { from: "closed", to: "open", failures: 3, cooldownUntil: T0 + 10_002, cause: "server_error" },
    ]);
  });

  it("opens on the first failure when the threshold is 1", () => {
    const step = ok(transition(INITIAL_BREAKER_STATE, FAIL, T0, { ...SETTINGS, failure_threshold: 1 }));
    expect(step.state.kind).toBe("open");
    expect(step.transitions).toEqual([
      { from: "closed", to: "open", failures: 1, cooldownUntil: T0 + 10_000, cause: "server_error" },
    ]);
  });

  it("drops failures that slid out of the window (a failure exactly window_ms old no longer counts)", () => {
    const step = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 1, FAIL],
      [T0 + 60_000, FAIL],
    ]);
    expect(step.state).toEqual({ kind: "closed", failures: [T0 + 1, T0 + 60_000], epoch: 0 });
    expect(step.transitions).toEqual([]);
    const next = ok(transition(step.state, FAIL, T0 + 60_000, SETTINGS));
    expect(next.transitions).toEqual([
      { from: "closed", to: "open", failures: 3, cooldownUntil: T0 + 70_000, cause: "server_error" },
    ]);
  });

  it("opens on one trip and reports the failures already counted plus the trip", () => {
    const first = ok(transition(INITIAL_BREAKER_STATE, TRIP, T0, SETTINGS));
    expect(first.transitions).toEqual([
      { from: "closed", to: "open", failures: 1, cooldownUntil: T0 + 10_000, cause: "auth" },
    ]);
    const afterOne = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 5, TRIP],
    ]);
    expect(afterOne.transitions).toEqual([
      { from: "closed", to: "open", failures: 2, cooldownUntil: T0 + 10_005, cause: "auth" },
    ]);
  });

  it("cools a quota trip down for max(cooldown_ms, Retry-After)", () => {
    const quota = (cooldownMs: number): BreakerInput => ({
      type: "failure",
      effect: "trip",
      reason: "quota_exhausted",
      probe: false,
      cooldownMs,
    });
    expect(
      ok(transition(INITIAL_BREAKER_STATE, quota(90_000), T0, SETTINGS)).transitions[0]?.cooldownUntil,
    ).toBe(T0 + 90_000);
    expect(
      ok(transition(INITIAL_BREAKER_STATE, quota(5_000), T0, SETTINGS)).transitions[0]?.cooldownUntil,
    ).toBe(T0 + 10_000);
  });

  it("clears the count on a success", () => {
    const step = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 1, FAIL],
      [T0 + 2, OK],
      [T0 + 3, FAIL],
      [T0 + 4, FAIL],
    ]);
    expect(step.state).toEqual({ kind: "closed", failures: [T0 + 3, T0 + 4], epoch: 0 });
  });

  it("neither counts nor clears a failure with effect none", () => {
    const none: BreakerInput = { type: "failure", effect: "none", reason: "invalid_request", probe: false };
    const step = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 1, none],
      [T0 + 2, none],
      [T0 + 3, FAIL],
    ]);
    expect(step.state).toEqual({ kind: "closed", failures: [T0, T0 + 3], epoch: 0 });
  });

  it("treats a non-probe release as a no-op", () => {
    const step = run(INITIAL_BREAKER_STATE, [
      [T0, FAIL],
      [T0 + 1, { type: "release", probe: false }],
    ]);
    expect(step.state).toEqual({ kind: "closed", failures: [T0], epoch: 0 });
  });
});

describe("open", () => {
  it("denies permits with circuit_open until the cooldown is due", () => {
    const step = ok(transition(openAt(T0), PERMIT, T0 + 9_999, SETTINGS));
    expect(step.permit).toEqual({ granted: false, reason: "circuit_open" });
    expect(step.state).toEqual(openAt(T0));
    expect(step.transitions).toEqual([]);
  });

  it("half-opens lazily at the first permit at or after the cooldown and grants it as a probe", () => {
    const step = ok(transition(openAt(T0), PERMIT, T0 + 10_000, SETTINGS));
    expect(step.permit).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(step.state).toEqual(halfOpen(1, 0, 1));
    expect(step.transitions).toEqual([
      { from: "open", to: "half_open", failures: 3, cooldownUntil: null, cause: "cooldown_elapsed" },
    ]);
  });

  it("half-opens early when forced, with cause probe_forced", () => {
    const step = ok(transition(openAt(T0), { type: "permit", force: true }, T0 + 1, SETTINGS));
    expect(step.permit).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(step.transitions).toEqual([
      { from: "open", to: "half_open", failures: 3, cooldownUntil: null, cause: "probe_forced" },
    ]);
  });

  it("says cooldown_elapsed when forced after the cooldown was already due", () => {
    const step = ok(transition(openAt(T0), { type: "permit", force: true }, T0 + 20_000, SETTINGS));
    expect(step.transitions[0]?.cause).toBe("cooldown_elapsed");
  });

  it("ignores late non-probe outcomes: no transition, cooldown unchanged", () => {
    for (const input of [OK, FAIL, TRIP, { type: "release", probe: false } as const]) {
      const step = ok(transition(openAt(T0), input, T0 + 5, SETTINGS));
      expect(step.state).toEqual(openAt(T0));
      expect(step.transitions).toEqual([]);
    }
  });
});

describe("half_open", () => {
  it("denies a second probe with half_open_busy when half_open_probes is 1, even when forced", () => {
    expect(ok(transition(halfOpen(1), PERMIT, T0, SETTINGS)).permit).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
    expect(ok(transition(halfOpen(1), { type: "permit", force: true }, T0, SETTINGS)).permit).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
  });

  it("grants two probes and denies the third when half_open_probes is 2", () => {
    const two = { ...SETTINGS, half_open_probes: 2 };
    const first = ok(transition(openAt(T0), PERMIT, T0 + 10_000, two));
    const second = ok(transition(first.state, PERMIT, T0 + 10_001, two));
    expect(second.permit).toEqual({ granted: true, probe: true, epoch: 1 });
    expect(second.state).toEqual(halfOpen(2));
    expect(second.transitions).toEqual([]);
    expect(ok(transition(second.state, PERMIT, T0 + 10_002, two)).permit).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
  });

  it("closes on a probe success with cause probe_success and a cleared count", () => {
    const step = ok(transition(halfOpen(1), PROBE_OK, T0, SETTINGS));
    expect(step.state).toEqual({ kind: "closed", failures: [], epoch: 1 });
    expect(step.transitions).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("needs success_threshold probe successes to close, and frees a slot after each", () => {
    const settings = { ...SETTINGS, success_threshold: 2 };
    const one = ok(transition(halfOpen(1), PROBE_OK, T0, settings));
    expect(one.state).toEqual(halfOpen(0, 1));
    expect(one.transitions).toEqual([]);
    const permit = ok(transition(one.state, PERMIT, T0 + 1, settings));
    expect(permit.permit).toEqual({ granted: true, probe: true, epoch: 1 });
    const two = ok(transition(permit.state, PROBE_OK, T0 + 2, settings));
    expect(two.transitions).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("reopens on a probe failure and restarts the cooldown from that moment", () => {
    const step = ok(transition(halfOpen(1), PROBE_FAIL, T0 + 50_000, SETTINGS));
    expect(step.state).toEqual({
      kind: "open",
      openedAt: T0 + 50_000,
      cooldownUntil: T0 + 60_000,
      failures: 1,
      epoch: 1,
    });
    expect(step.transitions).toEqual([
      { from: "half_open", to: "open", failures: 1, cooldownUntil: T0 + 60_000, cause: "timeout" },
    ]);
    expect(ok(transition(step.state, PERMIT, T0 + 59_999, SETTINGS)).permit).toEqual({
      granted: false,
      reason: "circuit_open",
    });
  });

  it("reopens on a probe trip, honouring a quota cooldown", () => {
    const quota: BreakerInput = {
      type: "failure",
      effect: "trip",
      reason: "quota_exhausted",
      probe: true,
      cooldownMs: 120_000,
    };
    const step = ok(transition(halfOpen(1), quota, T0, SETTINGS));
    expect(step.transitions).toEqual([
      { from: "half_open", to: "open", failures: 1, cooldownUntil: T0 + 120_000, cause: "quota_exhausted" },
    ]);
  });

  it("frees the probe slot without judging on a probe with effect none or a release", () => {
    const none: BreakerInput = { type: "failure", effect: "none", reason: "aborted", probe: true };
    expect(ok(transition(halfOpen(1), none, T0, SETTINGS))).toEqual({
      ok: true,
      state: halfOpen(0),
      transitions: [],
    });
    expect(ok(transition(halfOpen(1), { type: "release", probe: true }, T0, SETTINGS))).toEqual({
      ok: true,
      state: halfOpen(0),
      transitions: [],
    });
  });

  it("ignores non-probe outcomes: only probes decide a half-open circuit", () => {
    for (const input of [OK, FAIL, TRIP]) {
      const step = ok(transition(halfOpen(1), input, T0, SETTINGS));
      expect(step.state).toEqual(halfOpen(1));
      expect(step.transitions).toEqual([]);
    }
  });

  it("ignores a probe from an earlier half-open period instead of taking a current probe's slot", () => {
    const step = ok(transition(halfOpen(1, 0, 2), { type: "success", probe: true, epoch: 1 }, T0, SETTINGS));
    expect(step.state).toEqual(halfOpen(1, 0, 2));
    expect(step.transitions).toEqual([]);
  });
});

describe("late probes after the period ended", () => {
  it("counts a stale probe failure in closed as an ordinary failure", () => {
    const closed: BreakerState = { kind: "closed", failures: [], epoch: 1 };
    const step = ok(transition(closed, { ...PROBE_FAIL, epoch: 1 }, T0, SETTINGS));
    expect(step.state).toEqual({ kind: "closed", failures: [T0], epoch: 1 });
  });

  it("ignores a stale probe success while open", () => {
    const open = openAt(T0, 1, 1);
    expect(ok(transition(open, PROBE_OK, T0 + 1, SETTINGS))).toEqual({
      ok: true,
      state: open,
      transitions: [],
    });
  });
});

describe("illegal inputs", () => {
  it("rejects a probe success while closed on a circuit that was never half-open", () => {
    const step = transition(INITIAL_BREAKER_STATE, PROBE_OK, T0, SETTINGS);
    expect(step).toEqual({ ok: false, error: expect.stringMatching(/never been half-open/) });
  });

  it("rejects a probe outcome naming an epoch the circuit has not reached", () => {
    const step = transition(
      halfOpen(1, 0, 1),
      { type: "failure", effect: "failure", reason: "timeout", probe: true, epoch: 2 },
      T0,
      SETTINGS,
    );
    expect(step.ok).toBe(false);
  });

  it("rejects a second outcome for the current epoch's only probe", () => {
    const step = transition(halfOpen(0, 0, 1), { type: "release", probe: true, epoch: 1 }, T0, SETTINGS);
    expect(step).toEqual({ ok: false, error: expect.stringMatching(/no probe in flight/) });
  });
});

describe("disabled breaker", () => {
  const off = { ...SETTINGS, enabled: false };

  it("grants every permit, writes no transition and never leaves closed", () => {
    const step = run(
      INITIAL_BREAKER_STATE,
      [
        [T0, TRIP],
        [T0 + 1, FAIL],
        [T0 + 2, FAIL],
        [T0 + 3, FAIL],
        [T0 + 4, PROBE_OK],
      ],
      off,
    );
    expect(step.state).toBe(INITIAL_BREAKER_STATE);
    expect(step.transitions).toEqual([]);
    expect(ok(transition(step.state, PERMIT, T0 + 5, off)).permit).toEqual({ granted: true, probe: false });
  });
});
