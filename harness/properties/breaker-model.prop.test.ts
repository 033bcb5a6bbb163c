import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BreakerSettings } from "../../src/index.ts";
import { scheduledCommands, sequentialCommands, type ScheduledModel } from "./breaker-commands.ts";
import { BreakerLaws } from "./breaker-laws.ts";
import { BreakerPair } from "./breaker-pair.ts";
import { referenceBreaker, type BreakerSubject } from "./breaker-subject.ts";
import { propertySeeds, runsFor } from "./seeds.ts";

const settingsArbitrary: fc.Arbitrary<BreakerSettings> = fc.record({
  enabled: fc.constant(true),
  failure_threshold: fc.integer({ min: 1, max: 4 }),
  window_ms: fc.integer({ min: 1_000, max: 30_000 }),
  cooldown_ms: fc.integer({ min: 1_000, max: 20_000 }),
  half_open_probes: fc.integer({ min: 1, max: 3 }),
  success_threshold: fc.integer({ min: 1, max: 3 }),
});

const withCommands = settingsArbitrary.chain((settings) =>
  fc.tuple(fc.constant(settings), fc.commands(sequentialCommands(settings), { maxCommands: 60 })),
);

const withScheduledCommands = settingsArbitrary.chain((settings) =>
  fc.tuple(
    fc.constant(settings),
    fc.scheduler(),
    fc.commands(scheduledCommands(settings), { maxCommands: 30 }),
  ),
);

const SETTINGS: BreakerSettings = {
  enabled: true,
  failure_threshold: 2,
  window_ms: 10_000,
  cooldown_ms: 5_000,
  half_open_probes: 1,
  success_threshold: 1,
};

describe.each(propertySeeds())("reference breaker against the oracle's ($label)", ({ seed }) => {
  it("answers every ask, outcome and wait exactly as the oracle, and both keep the breaker laws", () => {
    fc.assert(
      fc.property(withCommands, ([settings, commands]) => {
        fc.modelRun(() => ({ model: new BreakerPair(settings), real: {} }), commands);
      }),
      { seed, numRuns: runsFor(300) },
    );
  });

  it("agrees with the oracle when half-open probes overlap and answer in any order", async () => {
    await fc.assert(
      fc.asyncProperty(withScheduledCommands, async ([settings, scheduler, commands]) => {
        const model: ScheduledModel = { pair: new BreakerPair(settings), scheduler, pending: [] };
        await fc.scheduledModelRun(scheduler, () => ({ model, real: {} }), commands);
        await scheduler.waitIdle();
        await Promise.all(model.pending);
        // Every outcome landed: the two breakers end in the same state.
        expect(model.pair.held.length).toBe(0);
      }),
      { seed, numRuns: runsFor(150) },
    );
  });
});

describe("the breaker laws themselves", () => {
  it("catch a breaker that grants a second probe in half-open", () => {
    // Planted: a breaker that really allows two probes, judged by laws that say one.
    const leaky: BreakerSubject = {
      ...referenceBreaker({ ...SETTINGS, half_open_probes: 2 }),
      name: "leaky",
    };
    const laws = new BreakerLaws(leaky, SETTINGS);
    const a = laws.acquire(0, false).decision;
    const b = laws.acquire(0, false).decision;
    if (!a.granted || !b.granted) throw new Error("closed circuits grant");
    laws.settle(a.ticket, false, { kind: "failure", effect: "trip", reason: "auth", cooldownMs: 0 }, 0);
    laws.settle(b.ticket, false, { kind: "failure", effect: "trip", reason: "auth", cooldownMs: 0 }, 0);
    laws.acquire(5_000, false);
    expect(() => laws.acquire(5_000, false)).toThrow(/half_open_busy/);
  });

  it("catch a breaker that ignores its cooldown", () => {
    const reference = referenceBreaker(SETTINGS);
    // Planted: the subject is judged with a longer cooldown than it really has.
    const laws = new BreakerLaws(reference, { ...SETTINGS, cooldown_ms: 9_000 });
    const a = laws.acquire(0, false).decision;
    if (!a.granted) throw new Error("closed circuits grant");
    expect(() =>
      laws.settle(a.ticket, false, { kind: "failure", effect: "trip", reason: "auth", cooldownMs: 0 }, 0),
    ).toThrow(/cooldown_until/);
  });
});
