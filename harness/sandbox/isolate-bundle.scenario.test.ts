import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SHIPPED_SCENARIOS } from "../cli/commands/run.ts";
import { runSuite, type ScenarioOutcome } from "../runner/run-suite.ts";
import { REFERENCE_ENGINE_MODULE } from "./engine-source.ts";
import { isolateBundleFor } from "./isolate-bundle.ts";

// The pre-built isolate must change nothing but the start-up cost: the same scenarios through the bundled
// isolate and through tsx give the same audit, fleet log and verdicts.

const FILES = [
  "network/connection-refused.yaml",
  "streaming/mid-stream-cut-restart.yaml",
  "streaming/stall-mid-stream-recovers.yaml",
  "breaker/half-open-single-probe.yaml",
].map((file) => join(SHIPPED_SCENARIOS, file));

const before = process.env["FH_ISOLATE_BUNDLE"];
afterEach(() => {
  if (before === undefined) delete process.env["FH_ISOLATE_BUNDLE"];
  else process.env["FH_ISOLATE_BUNDLE"] = before;
});

/** A user's engine: loaded through tsx on both paths, with its own import of the AI SDK. */
const USER_ENGINE = new URL("../../examples/engines/cockatiel.ts", import.meta.url).href;

async function run(bundled: boolean, module = REFERENCE_ENGINE_MODULE): Promise<readonly ScenarioOutcome[]> {
  process.env["FH_ISOLATE_BUNDLE"] = bundled ? "1" : "0";
  const suite = await runSuite({
    paths: FILES,
    cwd: process.cwd(),
    engine: { kind: "isolated", module, name: "engine" },
  });
  if (!suite.ok) throw new Error(suite.problems.join("\n"));
  return suite.outcomes;
}

const bytes = (outcomes: readonly ScenarioOutcome[]) =>
  outcomes.map((o) => ({
    id: o.scenario.id,
    audit: o.run.auditText,
    fleet: o.run.fleetLogText,
    verdict: o.verdict.verdict,
    faults: o.run.engineFaults,
  }));

describe("the bundled isolate", () => {
  it("exists on disk, with the reference engine's pre-built script and a user's engine compiled", async () => {
    const bundle = await isolateBundleFor(REFERENCE_ENGINE_MODULE);
    expect(bundle).not.toBeNull();
    expect(existsSync(fileURLToPath(bundle!.isolate))).toBe(true);
    expect(bundle!.engine?.kind).toBe("reference");
    if (bundle!.engine?.kind === "reference")
      expect(existsSync(fileURLToPath(bundle!.engine.script))).toBe(true);
    const user = await isolateBundleFor(USER_ENGINE);
    expect(user?.isolate).toBe(bundle!.isolate);
    expect(user?.engine?.kind).toBe("compiled");
  });

  it("gives the same audit, fleet log and verdicts as the tsx isolate", async () => {
    const viaTsx = bytes(await run(false));
    const viaBundle = bytes(await run(true));
    expect(viaBundle).toEqual(viaTsx);
    expect(viaBundle.map((o) => o.verdict)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(viaBundle.every((o) => o.audit.length > 0 && o.fleet.length > 0)).toBe(true);
  }, 300_000);

  it("gives a user's engine the same fleet log and verdicts as the tsx isolate", async () => {
    const viaTsx = bytes(await run(false, USER_ENGINE));
    const viaBundle = bytes(await run(true, USER_ENGINE));
    expect(viaBundle).toEqual(viaTsx);
    expect(viaBundle.every((o) => o.fleet.length > 0 && o.faults.length === 0)).toBe(true);
  }, 300_000);
});
