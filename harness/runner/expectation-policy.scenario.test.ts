import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { EngineUnderTest } from "../../src/index.ts";
import plainFetchLoop from "../../examples/engines/plain-fetch-loop.ts";
import { loadScenarioFile } from "../scenario/load-scenario.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { judgeRun } from "./judge.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runScenario } from "./run-scenario.ts";
import { failed } from "./checks.ts";
import { exemptInexpressible, expectationPolicies, readCannotExpress } from "./expectation-policy.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const S02 = join(here, "..", "..", "scenarios", "failoverbench", "s02-rate-limit-no-header.yaml");
const PRIMARY = "openai/gpt-4.1";

async function runS02(engine: EngineUnderTest) {
  const loaded = await loadScenarioFile(S02, scenarioSchema);
  if (!loaded.ok) throw new Error(`Failed to load s02: ${loaded.problems.map((p) => p.message).join("; ")}`);
  const run = await runScenario(loaded.value, { engine, fleet: createFleetFactory(), file: S02 });
  return { scenario: loaded.value, verdict: await judgeRun(run) };
}

// The plain loop calls the primary once and moves on: s02's breaker-bound `calls` (exactly 3 calls, the
// threshold opening the circuit before a fourth) fails for it unless it says it has no breaker.
const withoutDeclaration: EngineUnderTest = {
  name: "plain-fetch-loop",
  create: (context) => plainFetchLoop.create(context),
};

describe("engines that cannot express a policy (SPEC §10.3)", () => {
  it("fails s02's breaker expectation for a breaker-less engine that declares nothing", async () => {
    const { verdict } = await runS02(withoutDeclaration);
    const breakerBound = verdict.checks.find((c) => c.id === "expect.calls[0]");
    expect(breakerBound?.outcome).toMatchObject({ kind: "fail" });
    expect(breakerBound?.outcome.kind === "fail" && breakerBound.outcome.message).toContain(PRIMARY);
  });

  it("says NOT CHECKED with the engine's reason when it declares it has no breaker, and still judges safety", async () => {
    expect(plainFetchLoop.cannotExpress?.breaker).toBeDefined();
    const { verdict } = await runS02(plainFetchLoop);
    const breakerBound = verdict.checks.find((c) => c.id === "expect.calls[0]");
    expect(breakerBound?.outcome).toEqual({
      kind: "not-checked",
      reason: `the engine cannot express the breaker policy: ${plainFetchLoop.cannotExpress?.breaker}`,
    });
    expect(verdict.notChecked.map((c) => c.id)).toContain("expect.calls[0]");
    // Safety is owed whatever the policy: the same checks are made, and the text expectation stays judged.
    const safety = verdict.checks.filter((c) => c.tier === "safety");
    expect(safety.map((c) => c.id)).toEqual(
      expect.arrayContaining(["safety.served-model", "safety.no-hang"]),
    );
    expect(
      safety.every((c) => c.outcome.kind !== "not-checked" || !c.outcome.reason.includes("cannot")),
    ).toBe(true);
  });

  it("maps each expectation kind to the policy it tests, an explicit policy first", async () => {
    const loaded = await loadScenarioFile(S02, scenarioSchema);
    if (!loaded.ok) throw new Error("s02 did not load");
    const policies = expectationPolicies(loaded.value.expect, new Set([PRIMARY]));
    expect(Object.fromEntries(policies)).toEqual({
      // served_by names the fallback: only an engine that falls back can pass it.
      "expect.requests[0].served_by": "fallback",
      // …and so does the success it owes: the primary never answers
      "expect.requests[0].outcome": "fallback",
      "expect.no_hammer[0]": "retries",
      // the scenario says `policy: breaker` where a count is the breaker's threshold
      "expect.calls[0]": "breaker",
      "expect.audit.present[0]": "retries",
      "expect.audit.present[1]": "breaker",
      "expect.audit.present[2]": "breaker",
    });
  });

  it("never exempts a safety check, even one that tests a declared policy", () => {
    const policies = new Map([
      ["expect.no_hammer[0]", "retries" as const],
      ["expect.calls[0]", "retries" as const],
    ]);
    const checks = exemptInexpressible(
      [
        failed("expect.no_hammer[0]", "safety", ["fleet"], "hammering"),
        failed("expect.calls[0]", "conformance", ["fleet"], "called 4 times"),
      ],
      policies,
      { retries: "no retries" },
    );
    expect(checks.map((c) => c.outcome.kind)).toEqual(["fail", "not-checked"]);
  });

  it("reads a hostile or malformed declaration as nothing, never as an exception", () => {
    const hostile = {
      get cannotExpress(): never {
        throw new Error("boom");
      },
    };
    expect(readCannotExpress(hostile)).toEqual({});
    expect(readCannotExpress({ cannotExpress: { breaker: 3, retries: "", fallback: "no chain" } })).toEqual({
      fallback: "no chain",
    });
  });
});
