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
const AUTH_401 = join(here, "..", "..", "scenarios", "errors", "auth-401-trips-breaker.yaml");
const S01 = join(here, "..", "..", "scenarios", "failoverbench", "s01-rate-limit-retry-after.yaml");
const S08 = join(here, "..", "..", "scenarios", "failoverbench", "s08-stream-cut.yaml");
const PRIMARY = "openai/gpt-4.1";

async function runFile(file: string, engine: EngineUnderTest) {
  const loaded = await loadScenarioFile(file, scenarioSchema);
  if (!loaded.ok)
    throw new Error(`Failed to load ${file}: ${loaded.problems.map((p) => p.message).join("; ")}`);
  const run = await runScenario(loaded.value, { engine, fleet: createFleetFactory(), file });
  return { scenario: loaded.value, verdict: await judgeRun(run) };
}

const runS02 = (engine: EngineUnderTest) => runFile(S02, engine);

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

  // auth-401's first 401 must open the circuit: the head's one call over three requests and the later
  // requests' single attempt are breaker questions, not retry ones (a breaker-less loop calls the head again).
  const AUTH_401_BREAKER_CHECKS = ["expect.requests[1].attempts", "expect.calls[0]"];

  it("fails auth-401's breaker checks for a breaker-less engine that declares nothing", async () => {
    const { verdict } = await runFile(AUTH_401, withoutDeclaration);
    for (const id of AUTH_401_BREAKER_CHECKS)
      expect(verdict.checks.find((c) => c.id === id)?.outcome, id).toMatchObject({ kind: "fail" });
  });

  it("says NOT CHECKED, not FAIL, for auth-401's breaker checks when the engine declares no breaker", async () => {
    const { verdict } = await runFile(AUTH_401, plainFetchLoop);
    const reason = `the engine cannot express the breaker policy: ${plainFetchLoop.cannotExpress?.breaker}`;
    for (const id of AUTH_401_BREAKER_CHECKS)
      expect(verdict.checks.find((c) => c.id === id)?.outcome, id).toEqual({ kind: "not-checked", reason });
    // The first request's two attempts (head, then fallback) stay a retry question, not a breaker one.
    expect(verdict.checks.find((c) => c.id === "expect.requests[0].attempts")?.outcome).toEqual({
      kind: "not-checked",
      reason: `the engine cannot express the retries policy: ${plainFetchLoop.cannotExpress?.retries}`,
    });
  });

  it("maps a request rule's attempts to its own policy, and leaves its served_by and outcome alone", async () => {
    const loaded = await loadScenarioFile(AUTH_401, scenarioSchema);
    if (!loaded.ok) throw new Error("auth-401 did not load");
    const policies = Object.fromEntries(expectationPolicies(loaded.value.expect, new Set([PRIMARY])));
    expect(policies).toMatchObject({
      "expect.requests[0].attempts": "retries",
      "expect.requests[1].attempts": "breaker",
      "expect.requests[1].served_by": "fallback",
      "expect.requests[1].outcome": "fallback",
      "expect.calls[0]": "breaker",
    });
  });

  // S01's 429 asks for a wait and a retry of the head: a loop that never retries serves from the fallback.
  // Its served_by on the head and the fallback's zero calls are retry questions, not fallback ones.
  const S01_RETRY_CHECKS = ["expect.requests[0].served_by", "expect.calls[1]"];

  it("fails S01's retry checks for a loop that never retries and declares nothing", async () => {
    const { verdict } = await runFile(S01, withoutDeclaration);
    for (const id of S01_RETRY_CHECKS)
      expect(verdict.checks.find((c) => c.id === id)?.outcome, id).toMatchObject({ kind: "fail" });
  });

  it("says NOT CHECKED for S01's retry checks when the loop declares it has no retries", async () => {
    expect(plainFetchLoop.cannotExpress?.retries).toBeDefined();
    const { verdict } = await runFile(S01, plainFetchLoop);
    const reason = `the engine cannot express the retries policy: ${plainFetchLoop.cannotExpress?.retries}`;
    for (const id of S01_RETRY_CHECKS)
      expect(verdict.checks.find((c) => c.id === id)?.outcome, id).toEqual({ kind: "not-checked", reason });
    // The whole answer, from whichever model served, is still owed.
    expect(verdict.checks.find((c) => c.id === "expect.requests[0].text")?.outcome.kind).toBe("pass");
  });

  it("maps a request rule's policy object per check, outcome following served_by", async () => {
    const s01 = await loadScenarioFile(S01, scenarioSchema);
    const s08 = await loadScenarioFile(S08, scenarioSchema);
    if (!s01.ok || !s08.ok) throw new Error("s01 or s08 did not load");
    expect(Object.fromEntries(expectationPolicies(s01.value.expect, new Set([PRIMARY])))).toMatchObject({
      "expect.requests[0].served_by": "retries",
      "expect.requests[0].outcome": "retries",
      "expect.calls[1]": "retries",
    });
    const s08Policies = Object.fromEntries(expectationPolicies(s08.value.expect, new Set([PRIMARY])));
    expect(s08Policies).toMatchObject({
      "expect.requests[0].served_by": "stream-failover",
      "expect.requests[0].outcome": "stream-failover",
    });
    // A wall-clock bound keeps no policy unless the rule names one.
    expect(s08Policies["expect.requests[0].max_elapsed"]).toBeUndefined();
    const named = expectationPolicies(
      {
        ...s08.value.expect,
        requests: [{ index: 0, max_elapsed: 1000, outcome: "error", policy: { max_elapsed: "retries" } }],
      },
      new Set([PRIMARY]),
    );
    expect(named.get("expect.requests[0].max_elapsed")).toBe("retries");
    expect(named.has("expect.requests[0].outcome")).toBe(false);
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
