import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { SHIPPED_SCENARIOS } from "../cli/commands/run.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import { runSuite, type ScenarioOutcome } from "../runner/run-suite.ts";

// Issue 15 item 3: the engine's fetch may call the in-process fleet directly instead of going through msw's
// interception, but only if nothing an engine writes or the fleet logs can tell the two apart. The shipped
// library (stream cuts and stalls, socket faults, 429s, breakers, a 120-request thundering herd) runs on both
// paths with the same seeds, and every scenario's audit and fleet log must be byte-identical, except where msw loses a client's cancel.
// Left out: scenarios/simulation (the 3,000-request day, minutes of CPU on a loaded machine for no new case).

const FOLDERS = readdirSync(SHIPPED_SCENARIOS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== "simulation")
  .map((entry) => join(SHIPPED_SCENARIOS, entry.name));

async function runLibrary(fetchPath: "direct" | "intercepted"): Promise<readonly ScenarioOutcome[]> {
  const suite = await runSuite({
    paths: FOLDERS,
    cwd: process.cwd(),
    transport: "inproc",
    engine: { kind: "inline", engine: referenceEngine, fleet: createFleetFactory({ fetchPath }) },
  });
  if (!suite.ok) throw new Error(suite.problems.join("\n"));
  return suite.outcomes;
}

function bytesOf(outcomes: readonly ScenarioOutcome[]): Map<string, { audit: string; fleet: string }> {
  return new Map(
    outcomes.map((o) => [o.scenario.id, { audit: o.run.auditText, fleet: o.run.fleetLogText }] as const),
  );
}

/**
 * msw's interception does not see a client cancel a response body in flight (mswjs/interceptors#799): such a
 * call stays `pending` in its log, with the bytes msw had piped ahead, where the direct path logs it
 * `aborted` at the cancel. Returns the ids of the calls that differ only that way, or null if any line
 * differs otherwise.
 */
function lostCancelsIn(interceptedLog: string, directLog: string): string[] | null {
  const a = interceptedLog.split("\n");
  const b = directLog.split("\n");
  if (a.length !== b.length) return null;
  const lost: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const viaMsw = JSON.parse(a[i] ?? "") as Record<string, unknown>;
    const viaDirect = JSON.parse(b[i] ?? "") as Record<string, unknown>;
    if (viaMsw.outcome !== "pending" || viaMsw.ended_at !== null || viaDirect.outcome !== "aborted")
      return null;
    const rest = (entry: Record<string, unknown>): string =>
      JSON.stringify({ ...entry, outcome: null, ended_at: null, bytes: null });
    if (rest(viaMsw) !== rest(viaDirect)) return null;
    lost.push(String(viaDirect.id));
  }
  return lost;
}

describe("the direct fetch path on the shipped library", () => {
  it("gives the same audit and fleet bytes as msw's interception, scenario by scenario", async () => {
    const intercepted = bytesOf(await runLibrary("intercepted"));
    const direct = bytesOf(await runLibrary("direct"));
    expect([...direct.keys()]).toEqual([...intercepted.keys()]);
    const lostCancels: string[] = [];
    const differing = [...direct].filter(([id, bytes]) => {
      const other = intercepted.get(id);
      if (other === undefined || other.audit !== bytes.audit) return true;
      const lost = lostCancelsIn(other.fleet, bytes.fleet);
      if (lost === null) return true;
      lostCancels.push(...lost.map((call) => `${id}: ${call}`));
      return false;
    });
    expect(differing.map(([id]) => id)).toEqual([]);
    // Only the malformed-chunk streams, which the engine cancels mid-body, may differ, and only that way.
    expect(new Set(lostCancels.map((c) => c.split(":")[0]))).toEqual(
      new Set(["s10-malformed-chunk", "malformed-chunk-gemini"]),
    );
    // The sample is real: most of the library, with audits and provider calls to compare.
    expect(direct.size).toBeGreaterThanOrEqual(80);
    const calls = [...direct.values()].reduce((n, b) => n + b.fleet.split("\n").length - 1, 0);
    expect(calls).toBeGreaterThan(500);
    for (const kind of ['"outcome":"cut"', '"outcome":"network_error"', '"outcome":"aborted"', "stall"]) {
      expect(
        [...direct.values()].some((b) => b.fleet.includes(kind)),
        kind,
      ).toBe(true);
    }
  }, 600_000);
});
