import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { runCommand } from "../cli/commands/run.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

const SCENARIO = `
id: gate-500-then-fallback
title: The primary answers 500 once; the fallback serves
description: A provider's 500 must move to the next model at once, and the caller must get the whole answer.
tags: [gate]
seed: 4
config:
  model: openai/gpt-4.1
  fallback:
    chains: { default: [openai/gpt-4.1, anthropic/claude-sonnet-4-5] }
traffic:
  - { count: 4, every: 2s, stream: true }
faults:
  - target: openai/gpt-4.1
    fault: { kind: http_error, reason: server_error }
    when: { times: 2 }
  - target: anthropic/claude-sonnet-4-5
    fault: { kind: latency, distribution: { type: lognormal, median: 300ms, sigma: 0.8 } }
expect:
  requests:
    - { index: 0, served_by: anthropic/claude-sonnet-4-5, outcome: success, text: canonical }
    - { outcome: success, text: canonical }
  audit:
    present: [{ event: fallback_failure, model: openai/gpt-4.1, reason: server_error, action: fallback }]
  parity: [DECISION_037]
`;

async function scenarioDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fh-gate-"));
  await writeFile(join(dir, "gate.yaml"), SCENARIO);
  return dir;
}

async function run(dir: string, extra: { engine?: string; seed?: number; jobs?: number } = {}) {
  const io = recordingIo({ CI: "true" }, dir);
  const reportDir = join(dir, `report-${Math.random().toString(36).slice(2)}`);
  const code = await runCommand({ paths: [dir], reportDir, ...extra }, io, { cores: 2, wallNow: () => 0 });
  return { code, io, reportDir };
}

async function bytesOf(reportDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of [
    "report.json",
    "summary.md",
    "junit.xml",
    "scenarios/gate-500-then-fallback/audit.jsonl",
    "scenarios/gate-500-then-fallback/fleet.jsonl",
  ]) {
    out[file] = await readFile(join(reportDir, file), "utf8");
  }
  return out;
}

describe("fallback-harness run as a CI gate", () => {
  it("passes the reference engine with exit 0 and writes the report files", async () => {
    const dir = await scenarioDir();
    const { code, io, reportDir } = await run(dir);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect((await readdir(reportDir)).sort()).toEqual([
      "junit.xml",
      "report.json",
      "scenarios",
      "summary.md",
    ]);
    expect(io.out()).toContain("1/1 scenarios passed");
  });

  it("produces byte-identical audit, fleet log and report for the same seed", async () => {
    const dir = await scenarioDir();
    const first = await bytesOf((await run(dir, { seed: 11 })).reportDir);
    const second = await bytesOf((await run(dir, { seed: 11 })).reportDir);
    expect(second).toEqual(first);
    expect(first["scenarios/gate-500-then-fallback/audit.jsonl"]?.split("\n").length).toBeGreaterThan(10);
  });

  it("writes the same report bytes with --jobs 1 and --jobs 4 (scheduling never shows)", async () => {
    const dir = await scenarioDir();
    for (const [i, seed] of [5, 6, 7].entries()) {
      await writeFile(
        join(dir, `gate-${i}.yaml`),
        SCENARIO.replace("id: gate-500-then-fallback", `id: gate-${i}`).replace("seed: 4", `seed: ${seed}`),
      );
    }
    const files = [
      "report.json",
      "summary.md",
      "junit.xml",
      ...[0, 1, 2].map((i) => `scenarios/gate-${i}/audit.jsonl`),
    ];
    const read = async (reportDir: string): Promise<string[]> =>
      Promise.all(files.map((f) => readFile(join(reportDir, f), "utf8")));
    const serial = await read((await run(dir, { seed: 3, jobs: 1 })).reportDir);
    const parallel = await read((await run(dir, { seed: 3, jobs: 4 })).reportDir);
    expect(parallel).toEqual(serial);
    expect(JSON.parse(serial[0] ?? "{}")).toMatchObject({ totals: { scenarios: 4 } });
  });

  it("fails a deliberately broken engine with exit 1 and a reason that names the defect", async () => {
    const dir = await scenarioDir();
    const { code, io, reportDir } = await run(dir, { engine: join(here, "test-engines/primary-only.ts") });
    expect(code).toBe(1);
    expect(io.out()).toContain("FAIL gate-500-then-fallback");
    expect(io.out()).toMatch(/expect\.requests\[0\]\.outcome: request #0: expected success, got error/);
    const report = JSON.parse(await readFile(join(reportDir, "report.json"), "utf8")) as {
      scenarios: { reasons: string[]; not_checked: { id: string; reason: string }[] }[];
    };
    // It writes no audit: the audit cross-check is not made (and not a failure), and says why.
    expect(report.scenarios[0]?.reasons.some((r) => r.includes("fleet-request-unaudited"))).toBe(false);
    expect(report.scenarios[0]?.not_checked).toContainEqual({
      id: "conformance.fleet-cross-check",
      tier: "conformance",
      evidence: ["audit", "fleet"],
      reason: expect.stringContaining("writes no SPEC §8 audit") as string,
    });
  });

  it("exits 2 naming file, line and path for a malformed scenario, and runs nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-bad-"));
    await writeFile(
      join(dir, "bad.yaml"),
      SCENARIO.replace("kind: http_error, reason: server_error", "kind: http_eror, reason: server_error"),
    );
    const { code, io } = await run(dir);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/bad\.yaml:\d+:\d+ faults\[0\]\.fault\.kind: /);
    expect(io.err()).toContain("Nothing was run.");
  });

  it("exits 2 when a fault targets a model no chain uses", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-target-"));
    await writeFile(
      join(dir, "target.yaml"),
      SCENARIO.replace("target: openai/gpt-4.1", "target: openai/gpt-9"),
    );
    const { code, io } = await run(dir);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/faults\[0\]\.target: "openai\/gpt-9" is not a model or provider/);
  });

  it("exits 2 for an engine module that does not exist", async () => {
    const dir = await scenarioDir();
    const { code, io } = await run(dir, { engine: "./no-such-engine.ts" });
    expect(code).toBe(2);
    expect(io.err()).toMatch(/Failed to load the engine module .*no-such-engine\.ts/);
  });
});
