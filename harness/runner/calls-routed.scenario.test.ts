import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceEngine, type EngineUnderTest } from "../../src/index.ts";
import { writeCellEvidence } from "../report/scorecard-evidence.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runSuite, type ScenarioOutcome } from "./run-suite.ts";

// Scorecard 2026-12-03, D1: an adapter that sent every call to a path no provider serves got "PASS" and
// "PARTIAL" cells, although the fleet answered a plain 404 and injected none of the scenario's faults.

const S06 = "scenarios/failoverbench/s06-silence-before-headers.yaml";

/** The reference engine with OpenAI's base URL one `/v1` too deep, as a misconfigured adapter would send. */
const doubledPrefix: EngineUnderTest = {
  ...referenceEngine,
  name: "reference-with-doubled-openai-prefix",
  create: (ctx) => {
    const openai = ctx.endpoints["openai"];
    if (openai === undefined) throw new Error("the fleet gave no openai endpoint");
    return referenceEngine.create({
      ...ctx,
      endpoints: { ...ctx.endpoints, openai: { ...openai, baseURL: `${openai.baseURL}/v1` } },
    });
  },
};

async function runS06(engine: EngineUnderTest, transport: "inproc" | "loopback"): Promise<ScenarioOutcome> {
  const suite = await runSuite({
    paths: [S06],
    cwd: process.cwd(),
    transport,
    engine: { kind: "inline", engine, fleet: createFleetFactory() },
  });
  if (!suite.ok) throw new Error(suite.problems.join("\n"));
  const [outcome] = suite.outcomes;
  if (outcome === undefined) throw new Error(`${S06} produced no outcome`);
  return outcome;
}

const routed = (o: ScenarioOutcome) => o.verdict.checks.find((c) => c.id === "conformance.calls-routed");

describe.each(["inproc", "loopback"] as const)("conformance.calls-routed over %s", (transport) => {
  it("fails a scenario whose engine called a path no provider serves, naming method, path and count", async () => {
    const outcome = await runS06(doubledPrefix, transport);
    const unrouted = outcome.run.fleetCalls.filter((c) => c.api === null);
    expect(unrouted.length).toBeGreaterThan(0);
    expect(routed(outcome)).toMatchObject({
      tier: "conformance",
      evidence: ["fleet"],
      outcome: {
        kind: "fail",
        message: `${unrouted.length} call${unrouted.length === 1 ? "" : "s"} reached no provider route (POST /v1/v1/responses (openai)): the engine's URLs are misconfigured, and the scenario's faults were never injected`,
      },
    });
    expect(outcome.verdict.verdict).toBe("fail");
    expect(outcome.verdict.reasons[0]).toMatch(/^\[conformance\] \d+ calls? reached no provider route/);
    // A scorecard cell's evidence lists it with the other failed checks.
    const dir = await mkdtemp(join(tmpdir(), "calls-routed-"));
    try {
      await writeCellEvidence(dir, { outcome, rerun: "-", scenarioFile: S06, engineOutput: null });
      expect(await readFile(join(dir, "checks.md"), "utf8")).toContain(
        "- `conformance.calls-routed` [conformance; evidence: fleet]: ",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("passes an engine whose every call reached a route", async () => {
    const outcome = await runS06(referenceEngine, transport);
    expect(routed(outcome)).toMatchObject({ tier: "conformance", outcome: { kind: "pass" } });
    expect(outcome.verdict.verdict).toBe("pass");
  });
});
