import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitAboveLimit } from "./above-limit-split.ts";
import type { FailoverBaseline } from "./bench-report.ts";
import { summarize } from "./percentile.ts";

/** A baseline whose tasks had these medians (ms); the other fields do not enter the split. */
function baseline(p50: {
  raw: number;
  caller: number;
  classified: number;
  breakersOff: number;
  auditOff: number;
  classifyUs: number;
}): FailoverBaseline {
  const at = (ms: number) => summarize([ms]);
  const limit = Math.min(p50.raw, p50.caller);
  return {
    transport: "inproc",
    case: "http-500",
    limit: at(limit),
    limitBy: p50.raw <= p50.caller ? "raw-pair" : "engine-caller-pair",
    rawPair: at(p50.raw),
    callerPair: at(p50.caller),
    bareFail: at(0.1),
    bareOk: at(0.2),
    engineCallerOk: at(0.2),
    referenceAuditOff: at(p50.auditOff),
    referenceBreakersOff: at(p50.breakersOff),
    callerPairClassified: at(p50.classified),
    classifyUs: p50.classifyUs,
  };
}

describe("splitAboveLimit", () => {
  it("takes each part from the two tasks that differ by it alone", () => {
    const split = splitAboveLimit(
      baseline({
        raw: 0.25,
        caller: 0.26,
        classified: 0.273,
        breakersOff: 0.276,
        auditOff: 0.282,
        classifyUs: 4,
      }),
      0.29,
    );
    expect(split.total).toBeCloseTo(0.04, 12);
    expect(split.callerPort).toBeCloseTo(0.01, 12);
    expect(split.classification).toBeCloseTo(0.013, 12);
    expect(split.classificationWarm).toBeCloseTo(0.004, 12);
    expect(split.walkAndTimers).toBeCloseTo(0.003, 12);
    expect(split.breakers).toBeCloseTo(0.006, 12);
    expect(split.audit).toBeCloseTo(0.008, 12);
  });

  it("has no caller-port part when the caller pair is the limit", () => {
    const split = splitAboveLimit(
      baseline({ raw: 0.3, caller: 0.28, classified: 0.29, breakersOff: 0.3, auditOff: 0.31, classifyUs: 4 }),
      0.32,
    );
    expect(split.callerPort).toBe(0);
  });

  it("gives parts that add up to the reference's time above the limit, whatever the medians", () => {
    const ms = fc.double({ min: 0.05, max: 5, noNaN: true });
    fc.assert(
      fc.property(ms, ms, ms, ms, ms, ms, (raw, caller, classified, breakersOff, auditOff, reference) => {
        const split = splitAboveLimit(
          baseline({ raw, caller, classified, breakersOff, auditOff, classifyUs: 1 }),
          reference,
        );
        const parts =
          split.callerPort + split.classification + split.walkAndTimers + split.breakers + split.audit;
        expect(parts).toBeCloseTo(split.total, 9);
      }),
    );
  });
});
