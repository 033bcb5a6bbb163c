import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { recordingIo } from "../cli/cli-test-io.ts";
import { triageCommand } from "../cli/commands/triage.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import { runScenario, VIRTUAL_START_MS } from "../runner/run-scenario.ts";
import { loadScenarioFile } from "../scenario/load-scenario.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import type { TriageFindings } from "./triage-findings.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A real-looking incident: a shipped scenario run by the reference engine, its audit written to a file and
 * its inline config to an opencode.json, then `fallback-harness triage --config … --json` over both.
 */
async function triageScenario(
  relative: string,
): Promise<{ findings: TriageFindings; markdown: string; html: string }> {
  const file = join(root, relative);
  const loaded = await loadScenarioFile(file, scenarioSchema);
  if (!loaded.ok)
    throw new Error(`Failed to load ${relative}: ${loaded.problems.map((p) => p.message).join("; ")}`);
  const run = await runScenario(loaded.value, { engine: referenceEngine, fleet: createFleetFactory(), file });
  const dir = await mkdtemp(join(tmpdir(), "triage-scenario-"));
  await writeFile(join(dir, "model-fallback.jsonl"), run.auditText);
  await writeFile(join(dir, "opencode.json"), JSON.stringify(loaded.value.config));
  const io = recordingIo({}, dir);
  const code = await triageCommand({ file: "model-fallback.jsonl", config: "opencode.json", json: true }, io);
  expect({ code, err: io.err() }).toEqual({ code: 0, err: "" });
  const out = join(dir, "reports", "triage-model-fallback");
  return {
    findings: JSON.parse(io.out()) as TriageFindings,
    markdown: await readFile(join(out, "triage.md"), "utf8"),
    html: await readFile(join(out, "triage.html"), "utf8"),
  };
}

const at = (iso: string | null | undefined): number =>
  iso == null ? Number.NaN : Date.parse(iso) - VIRTUAL_START_MS;

describe("triage of a one-minute OpenAI outage (failoverbench s15, reference engine)", () => {
  it("finds the primary's 503s, its circuit, the return to it after recovery, and nothing to change", async () => {
    const { findings, markdown, html } = await triageScenario(
      "scenarios/failoverbench/s15-outage-then-recovery.yaml",
    );
    const primary = findings.models.find((m) => m.model === "openai/gpt-4.1");
    expect(primary?.byReason.map((r) => [r.reason, r.statuses])).toEqual([
      ["unavailable", { "503": primary?.failures }],
    ]);
    expect(primary?.skipped.circuit_open).toBeGreaterThan(0);
    expect(findings.totals).toMatchObject({ requests: 20, served: 20, endedInError: 0, unfinished: 0 });

    const [breaker] = findings.breakers;
    expect(breaker).toMatchObject({ model: "openai/gpt-4.1", opened: 1, closed: 1, stateAtEnd: "closed" });

    // The fault ends at 60 s; the scenario expects traffic back on the primary within 30 s of that.
    const [back] = findings.returnToPrimary;
    expect(back).toMatchObject({ primary: "openai/gpt-4.1", outages: 1, ongoing: null });
    expect(at(back?.first?.startTs)).toBe(0);
    expect(at(back?.first?.backTs)).toBeGreaterThanOrEqual(60_000);
    expect(at(back?.first?.backTs)).toBeLessThanOrEqual(90_000);
    expect(back?.first?.servedElsewhere).toBe(16);

    // The breaker rode the outage out and the primary serves again: nothing in the runbook applies.
    expect(findings.actions).toEqual([]);
    expect(markdown).toContain("Nothing to suggest");
    expect(html.match(/<svg\b/g)).toHaveLength(3);
  });
});

describe("triage of a flapping Gemini primary (breaker scenario, reference engine)", () => {
  it("counts the failed probes and proposes a longer cooldown at the config's real path", async () => {
    const { findings, markdown } = await triageScenario(
      "scenarios/breaker/flapping-primary-failing-probes.yaml",
    );
    // The scenario's own expectation: five half-open probes, four fail and reopen, the fifth closes.
    expect(findings.breakers[0]).toMatchObject({
      model: "google/gemini-2.5-pro",
      halfOpened: 5,
      reopened: 4,
      closed: 1,
      observedCooldownMs: 20_000,
    });
    expect(findings.actions.map((a) => a.id)).toEqual(["lengthen-cooldown"]);
    expect(findings.actions[0]?.changes).toEqual([
      {
        path: "fallback.circuit_breaker.cooldown_ms",
        current: 20_000,
        suggested: 40_000,
        currentFrom: "config",
      },
    ]);
    expect(markdown).toContain(
      "   - Change: `fallback.circuit_breaker.cooldown_ms`: `20000` (in the config) → `40000`",
    );
  });
});
