import { describe, expect, it } from "vitest";
import { REALTIME_LATE_TOLERANCE_MS } from "../oracle/fleet-safety.ts";
import { breakerRecoversOutcome } from "../report/html/fake-runs.ts";
import { judgeRun } from "./judge.ts";
import type { ScenarioRun } from "./run-scenario.ts";

/** A judged run whose first request gets one more provider call `lateByMs` after it ended. */
async function noCallAfterEnd(clock: "virtual" | "real", lateByMs: number) {
  const base = breakerRecoversOutcome().run;
  const first = base.requests[0];
  if (first === undefined) throw new Error("the fixture has no request");
  const at = base.startMs + first.endedAt + lateByMs;
  const late = { id: "late", at, provider: "openai", model: "openai/gpt-4.1", request: first.index };
  const run: ScenarioRun = {
    ...base,
    clock,
    // Every call attributed, so the check is made rather than NOT CHECKED for want of markers.
    fleetCalls: [...base.fleetCalls.map((c) => ({ ...c, request: c.request ?? 0 })), late],
  };
  return (await judgeRun(run)).checks.find((c) => c.id === "safety.no-call-after-end")?.outcome;
}

describe("safety.no-call-after-end on each clock", () => {
  it("allows no lateness at all on the virtual clock", async () => {
    expect(await noCallAfterEnd("virtual", 0)).toEqual({ kind: "pass" });
    expect(await noCallAfterEnd("virtual", 1)).toMatchObject({ kind: "fail" });
  });

  it(`forgives a call up to ${REALTIME_LATE_TOLERANCE_MS} ms late on the real clock, and no more`, async () => {
    expect(REALTIME_LATE_TOLERANCE_MS).toBe(50);
    expect(await noCallAfterEnd("real", REALTIME_LATE_TOLERANCE_MS)).toEqual({ kind: "pass" });
    expect(await noCallAfterEnd("real", REALTIME_LATE_TOLERANCE_MS + 1)).toMatchObject({ kind: "fail" });
  });
});
