import { describe, expect, it } from "vitest";
import { CHAIN, PRIMARY, testConfig, triageOf, tripThenProbes } from "../triage-test-kit.ts";

const HOUR = 3_600_000;

describe("reduce-cooldown", () => {
  it("shortens an hour-long cooldown whose first probe closed the circuit", () => {
    const action = triageOf(tripThenProbes([true], HOUR)).actions.find((a) => a.id === "reduce-cooldown");
    expect(action).toMatchObject({
      model: PRIMARY,
      changes: [
        {
          path: "fallback.circuit_breaker.cooldown_ms",
          current: HOUR,
          suggested: HOUR / 4,
          currentFrom: "log",
        },
      ],
    });
    expect(action?.evidence[0]).toMatch(
      /^1 of 1 probe\(s\) closed the circuit at once \(the longest such spell lasted 1 h\)/,
    );
  });

  it("names the agent's own cooldown with --config", () => {
    const config = testConfig({
      agent: { build: { models: CHAIN, fallback: { circuit_breaker: { cooldown_ms: HOUR } } } },
    });
    const action = triageOf(tripThenProbes([true], HOUR), { config }).actions.find(
      (a) => a.id === "reduce-cooldown",
    );
    expect(action?.changes).toEqual([
      {
        path: "agent.build.fallback.circuit_breaker.cooldown_ms",
        current: HOUR,
        suggested: 900_000,
        currentFrom: "config",
      },
    ]);
  });

  it("leaves a short cooldown alone", () => {
    expect(triageOf(tripThenProbes([true], 60_000)).actions).toEqual([]);
  });

  it("leaves a cooldown alone when most probes failed", () => {
    expect(triageOf(tripThenProbes([false, false, true], HOUR)).actions.map((a) => a.id)).not.toContain(
      "reduce-cooldown",
    );
  });
});

describe("lengthen-cooldown", () => {
  it("doubles the cooldown of a circuit whose probes keep failing", () => {
    const action = triageOf(tripThenProbes([false, false, false, true])).actions.find(
      (a) => a.id === "lengthen-cooldown",
    );
    expect(action).toMatchObject({
      model: PRIMARY,
      changes: [
        {
          path: "fallback.circuit_breaker.cooldown_ms",
          current: 60_000,
          suggested: 120_000,
          currentFrom: "log",
        },
      ],
    });
    expect(action?.evidence[0]).toBe(
      "3 of 4 probe(s) failed and reopened the circuit (75 %); 135.0 transitions per hour; state at the end of the log: closed",
    );
  });

  it("does not call two failed probes flapping", () => {
    expect(triageOf(tripThenProbes([false, false, true])).actions.map((a) => a.id)).not.toContain(
      "lengthen-cooldown",
    );
  });
});
