import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { EngineUnderTest } from "../../../src/index.ts";
import { createFleetFactory } from "../../runner/fleet-adapter.ts";
import { runScenario } from "../../runner/run-scenario.ts";
import { loadScenarioFile } from "../../scenario/load-scenario.ts";
import { scenarioSchema } from "../../scenario/schema.ts";
import { recordingIo } from "../cli-test-io.ts";
import { replayCommand } from "./replay.ts";
import { runCommand } from "./run.ts";

const BUGGY = fileURLToPath(new URL("../../defects/engines/retries-on-auth.ts", import.meta.url));
const INCIDENT_SCENARIO = fileURLToPath(
  new URL("../../defects/scenarios/retries-on-auth.yaml", import.meta.url),
);
const CONFIG = {
  model: "openai/gpt-4.1",
  fallback: {
    chains: { default: ["openai/gpt-4.1", "anthropic/claude-sonnet-4-5"] },
    promote_on_success: false,
  },
};

let dir = "";

/** A production incident: an engine that retries 401s wrote this log while the primary's key was revoked. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fh-replay-"));
  const loaded = await loadScenarioFile(INCIDENT_SCENARIO, scenarioSchema);
  if (!loaded.ok) throw new Error("the defect scenario does not load");
  const run = await runScenario(loaded.value, {
    // Our own planted-defect engine, run in this thread to write the "production" log.
    engine: ((await import(pathToFileURL(BUGGY).href)) as { default: EngineUnderTest }).default,
    fleet: createFleetFactory(),
    file: INCIDENT_SCENARIO,
  });
  await writeFile(join(dir, "model-fallback.jsonl"), run.auditText);
  await writeFile(join(dir, "model-fallback.jsonl.gz"), gzipSync(run.auditText));
  await writeFile(join(dir, "opencode.json"), JSON.stringify(CONFIG));
  await writeFile(join(dir, "broken.json"), `{ "fallback": { "max_retry": 2 } }`);
  await writeFile(join(dir, "no-requests.jsonl"), "\n\n");
});

async function replay(args: { file: string; engine?: string; config?: string; out?: string }) {
  const io = recordingIo({ CI: "true" }, dir);
  const code = await replayCommand({ out: "incident.yaml", reportDir: "replay-report", ...args }, io);
  return { code, out: io.out(), err: io.err() };
}

async function gate(file: string, engine?: string) {
  const io = recordingIo({ CI: "true" }, dir);
  const code = await runCommand(
    {
      paths: [file],
      reportDir: join(dir, `run-${engine === undefined ? "reference" : "buggy"}`),
      ...(engine === undefined ? {} : { engine }),
    },
    io,
    { cores: 1, wallNow: () => 0 },
  );
  return { code, out: io.out() };
}

describe("fallback-harness replay", () => {
  it("reproduces the incident with the engine that caused it (exit 0) and writes a scenario that loads", async () => {
    const result = await replay({ file: "model-fallback.jsonl", engine: BUGGY, config: "opencode.json" });
    expect(result.err).toBe("");
    expect(result.out).toContain(
      "REPRODUCED: defect-retries-on-auth made the incident's decisions for all 1 requests",
    );
    expect(result.code).toBe(0);
    const written = await loadScenarioFile(join(dir, "incident.yaml"), scenarioSchema);
    expect(written.ok).toBe(true);
    expect(await readFile(join(dir, "replay-report", "replayed-audit.jsonl"), "utf8")).toContain(
      '"reason":"auth"',
    );
  });

  it("shows the first divergence with its context when another engine decides differently (exit 1)", async () => {
    const result = await replay({
      file: "model-fallback.jsonl",
      config: "opencode.json",
      out: "incident-vs-reference.yaml",
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain("DIVERGED: reference decided differently in 1 of 1 requests.");
    expect(result.out).toMatch(/First divergence: request #0 .* step 3: decision/);
    expect(result.out).toMatch(
      /incident: \+0 ms {2}failure of attempt 1 on openai\/gpt-4\.1: ProviderError\/auth, status 401, retry-after none → retry after a wait/,
    );
    expect(result.out).toMatch(
      /replay: {3}\+0 ms {2}failure of attempt 1 on openai\/gpt-4\.1: ProviderError\/auth, status 401, retry-after none → fallback/,
    );
  });

  it("proves a fix: same faults, the expectation changed to the right decision, passes only the fixed engine", async () => {
    await replay({ file: "model-fallback.jsonl", engine: BUGGY, config: "opencode.json", out: "fix.yaml" });
    const inferred = await readFile(join(dir, "fix.yaml"), "utf8");
    // What should have happened: the 401 falls back at once, so there is no retry and no skip of the open circuit.
    const retried =
      "{ event: fallback_failure, model: openai/gpt-4.1, reason: auth, action: retry, count: { min: 1, max: 1 } }";
    const skipped =
      "      - { event: fallback_model_skipped, model: openai/gpt-4.1, reason: circuit_open, count: { min: 1, max: 1 } }\n";
    expect(inferred).toContain(retried);
    expect(inferred).toContain(skipped);
    await writeFile(
      join(dir, "fix.yaml"),
      inferred.replace(retried, retried.replace("action: retry", "action: fallback")).replace(skipped, ""),
    );
    const fixed = await gate(join(dir, "fix.yaml"));
    expect(fixed.out).toContain("1/1 scenarios passed");
    expect(fixed.code).toBe(0);
    const buggy = await gate(join(dir, "fix.yaml"), BUGGY);
    expect(buggy.code).toBe(1);
    expect(buggy.out).toContain("FAIL incident-model-fallback");
  });

  it("reads a gzipped log and infers the config when none is given", async () => {
    const result = await replay({ file: "model-fallback.jsonl.gz", engine: BUGGY, out: "from-gz.yaml" });
    expect(result.out).toContain("No --config: settings read off the log");
    expect(result.out).toContain("agent.build.models = [openai/gpt-4.1, anthropic/claude-sonnet-4-5]");
    expect(result.code).toBe(0);
  });

  it("refuses unusable input with exit 2 and a message that names it", async () => {
    const missing = await replay({ file: "nope.jsonl" });
    expect(missing).toMatchObject({ code: 2, out: "" });
    expect(missing.err).toMatch(/nope\.jsonl: no such file/);
    const badConfig = await replay({ file: "model-fallback.jsonl", config: "broken.json" });
    expect(badConfig.code).toBe(2);
    expect(badConfig.err).toContain("max_retries");
    const empty = await replay({ file: "no-requests.jsonl" });
    expect(empty.code).toBe(2);
    expect(empty.err).toContain("no fallback_request line");
    const engine = await replay({ file: "model-fallback.jsonl", engine: "missing-engine.ts" });
    expect(engine.code).toBe(2);
    expect(engine.err).toContain("Failed to load the engine module");
  });
});
