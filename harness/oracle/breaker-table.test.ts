import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "./config-defaults.ts";
import type { OracleBreakerSettings } from "./config-types.ts";
import {
  BREAKER_TABLE,
  ORACLE_INITIAL_CIRCUIT,
  stepOracleBreaker,
  type OracleBreakerInput,
  type OracleCircuit,
} from "./breaker-table.ts";

const settings: OracleBreakerSettings = {
  ...ORACLE_DEFAULTS.circuit_breaker,
  cooldown_ms: 1000,
  window_ms: 10_000,
};
const failure = (probeEpoch: number | null = null): OracleBreakerInput => ({
  kind: "failure",
  probeEpoch,
  reason: "timeout",
  cooldownMs: 0,
});

function run(
  inputs: readonly [OracleBreakerInput, number][],
  start: OracleCircuit = ORACLE_INITIAL_CIRCUIT,
  s: OracleBreakerSettings = settings,
) {
  let state = start;
  const transitions = [];
  for (const [input, now] of inputs) {
    const step = stepOracleBreaker(state, input, now, s);
    state = step.state;
    transitions.push(...step.transitions);
  }
  return { state, transitions };
}

describe("the oracle's breaker table", () => {
  it("ends every state and input with an always row, so no pair is undefined", () => {
    for (const from of ["closed", "open", "half_open"] as const) {
      for (const input of ["permit", "success", "neutral", "failure", "trip"] as const) {
        expect(
          BREAKER_TABLE.some((row) => row.from === from && row.input === input && row.when === "always"),
        ).toBe(true);
      }
    }
  });

  it("only ever writes the four legal transitions of SPEC §7", () => {
    const edges = new Set(
      BREAKER_TABLE.filter((row) => row.to !== undefined).map((row) => `${row.from}>${row.to}`),
    );
    expect([...edges].sort()).toEqual([
      "closed>open",
      "half_open>closed",
      "half_open>open",
      "open>half_open",
    ]);
  });

  it("opens after three failures within the window, reporting three and the cooldown end", () => {
    const { state, transitions } = run([
      [failure(), 0],
      [failure(), 100],
      [failure(), 200],
    ]);
    expect(state.kind).toBe("open");
    expect(transitions).toEqual([
      { from: "closed", to: "open", failures: 3, cooldownUntil: 1200, cause: "timeout" },
    ]);
  });

  it("drops failures older than the window before counting", () => {
    const { state } = run([
      [failure(), 0],
      [failure(), 100],
      [failure(), 10_000],
    ]);
    expect(state).toEqual({ kind: "closed", failures: [100, 10_000], epoch: 0 });
  });

  it("clears the count on a success in closed and ignores effect none", () => {
    const { state } = run([
      [failure(), 0],
      [{ kind: "neutral", probeEpoch: null }, 1],
      [{ kind: "success", probeEpoch: null }, 2],
      [failure(), 3],
      [failure(), 4],
    ]);
    expect(state).toEqual({ kind: "closed", failures: [3, 4], epoch: 0 });
  });

  it("trips at once and cools down for max(cooldown_ms, a quota Retry-After)", () => {
    const { transitions } = run([
      [{ kind: "trip", probeEpoch: null, reason: "quota_exhausted", cooldownMs: 5000 }, 10],
    ]);
    expect(transitions).toEqual([
      { from: "closed", to: "open", failures: 1, cooldownUntil: 5010, cause: "quota_exhausted" },
    ]);
  });

  it("denies permits while open, half-opens lazily at the cooldown, and closes on a probe success", () => {
    const opened = run([[{ kind: "trip", probeEpoch: null, reason: "auth", cooldownMs: 0 }, 0]]).state;
    expect(stepOracleBreaker(opened, { kind: "permit", force: false }, 999, settings).permit).toEqual({
      granted: false,
      reason: "circuit_open",
    });
    const due = stepOracleBreaker(opened, { kind: "permit", force: false }, 1000, settings);
    expect(due.transitions).toEqual([
      { from: "open", to: "half_open", failures: 1, cooldownUntil: null, cause: "cooldown_elapsed" },
    ]);
    expect(due.permit).toEqual({ granted: true, probeEpoch: 1 });
    expect(stepOracleBreaker(due.state, { kind: "permit", force: false }, 1001, settings).permit).toEqual({
      granted: false,
      reason: "half_open_busy",
    });
    const closed = stepOracleBreaker(due.state, { kind: "success", probeEpoch: 1 }, 1002, settings);
    expect(closed.transitions).toEqual([
      { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
    ]);
  });

  it("half-opens early with cause probe_forced when forced, and reopens with a fresh cooldown on a probe failure", () => {
    const opened = run([[{ kind: "trip", probeEpoch: null, reason: "auth", cooldownMs: 0 }, 0]]).state;
    const forced = stepOracleBreaker(opened, { kind: "permit", force: true }, 10, settings);
    expect(forced.transitions[0]?.cause).toBe("probe_forced");
    const reopened = stepOracleBreaker(forced.state, failure(1), 20, settings);
    expect(reopened.transitions).toEqual([
      { from: "half_open", to: "open", failures: 1, cooldownUntil: 1020, cause: "timeout" },
    ]);
  });

  it("ignores outcomes of ordinary attempts while open and stale probes while half-open", () => {
    const opened = run([[{ kind: "trip", probeEpoch: null, reason: "auth", cooldownMs: 0 }, 0]]).state;
    expect(stepOracleBreaker(opened, failure(), 5, settings).state).toBe(opened);
    const half = stepOracleBreaker(opened, { kind: "permit", force: false }, 1000, settings).state;
    expect(stepOracleBreaker(half, failure(null), 1001, settings).state).toBe(half);
  });

  it("needs success_threshold probe successes to close", () => {
    const s = { ...settings, success_threshold: 2, half_open_probes: 2 };
    const opened = run(
      [[{ kind: "trip", probeEpoch: null, reason: "auth", cooldownMs: 0 }, 0]],
      ORACLE_INITIAL_CIRCUIT,
      s,
    ).state;
    const first = stepOracleBreaker(opened, { kind: "permit", force: false }, 1000, s);
    const second = stepOracleBreaker(first.state, { kind: "permit", force: false }, 1000, s);
    expect(second.permit).toEqual({ granted: true, probeEpoch: 1 });
    const one = stepOracleBreaker(second.state, { kind: "success", probeEpoch: 1 }, 1001, s);
    expect(one.transitions).toEqual([]);
    expect(
      stepOracleBreaker(one.state, { kind: "success", probeEpoch: 1 }, 1002, s).transitions.map((t) => t.to),
    ).toEqual(["closed"]);
  });
});
