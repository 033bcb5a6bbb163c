import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../harness/cli/cli-test-io.ts";
import { main } from "../../harness/cli/main.ts";

// The example engines through the CLI, as a user runs them (`run --engine … --tier safety`), on the few
// scenarios that show what the README says about each library. Assertions read report.json's reasons, so a
// finding that disappears, or a false one that appears on a scenario an engine handles, fails here.

const root = fileURLToPath(new URL("../../", import.meta.url));
const ENGINES = ["ai-fallback", "cockatiel", "plain-fetch-loop"] as const;
const SCENARIOS = [
  "scenarios/failoverbench/s03-server-error-once.yaml",
  "scenarios/failoverbench/s08-stream-cut.yaml",
  "scenarios/streaming/no-end-marker-truncated.yaml",
  "scenarios/errors/model-not-found-404.yaml",
  "scenarios/errors/gemini-safety-finish-200.yaml",
  "scenarios/errors/invalid-request-400-fails.yaml",
  "scenarios/failoverbench/s11-no-end-marker.yaml",
  "scenarios/failoverbench/s01-rate-limit-retry-after.yaml",
  "scenarios/errors/auth-401-trips-breaker.yaml",
  "scenarios/errors/overloaded-529-anthropic.yaml",
  "scenarios/rate-limits/retry-after-above-cap.yaml",
  "scenarios/errors/gemini-context-overflow-in-200.yaml",
];

interface ScenarioReport {
  readonly id: string;
  readonly tiers: { readonly safety: string; readonly conformance: string };
  readonly reasons: readonly string[];
}

const reports = new Map<string, Map<string, ScenarioReport>>();
let exitCode: number | undefined;
let printed = "";

/** The scenario's report for an engine, with its reasons joined for matching. */
function outcome(engine: (typeof ENGINES)[number], scenario: string): ScenarioReport & { text: string } {
  const found = reports.get(engine)?.get(scenario);
  if (found === undefined) throw new Error(`no report for ${engine} on ${scenario}:\n${printed}`);
  return { ...found, text: found.reasons.join("\n") };
}

beforeAll(async () => {
  const reportDir = await mkdtemp(join(tmpdir(), "fh-examples-"));
  const io = recordingIo({ CI: "true" }, root);
  const engines = ENGINES.flatMap((name) => ["--engine", `examples/engines/${name}.ts`]);
  exitCode = await main(["run", ...SCENARIOS, ...engines, "--tier", "safety", "--report-dir", reportDir], io);
  printed = io.out() + io.err();
  for (const name of ENGINES) {
    const report = JSON.parse(await readFile(join(reportDir, name, "report.json"), "utf8")) as {
      scenarios: ScenarioReport[];
    };
    reports.set(name, new Map(report.scenarios.map((s) => [s.id, s])));
  }
}, 600_000);

describe("example engines under --tier safety", () => {
  it("exits 1: each example has at least one safety finding", () => {
    expect(exitCode, printed).toBe(1);
  });

  it("ai-fallback re-streams the fallback's answer after partial output: duplicated text", () => {
    const cut = outcome("ai-fallback", "s08-stream-cut");
    expect(cut.tiers.safety).toBe("fail");
    expect(cut.text).toMatch(/\[safety\].*duplicated/);
  });

  it("ai-fallback falls back on a 404 (its shouldRetryThisError follows SPEC §3 by status)", () => {
    const gone = outcome("ai-fallback", "model-not-found-404");
    expect(gone.tiers.conformance, gone.text).not.toBe("fail");
  });

  it("cockatiel rejects a Gemini SAFETY finish (content-filter) instead of a truncated success", () => {
    const filtered = outcome("cockatiel", "gemini-safety-finish-200");
    expect(filtered.tiers.safety, filtered.text).not.toBe("fail");
    expect(filtered.tiers.conformance, filtered.text).not.toBe("fail");
  });

  it("ai-fallback ignores its shouldRetryThisError on an error thrown mid-stream: it falls back on a content filter", () => {
    // ai-fallback 2.0.1 dist/index.js, doStream's catch: `!hasStreamedAny || retryAfterOutput` decides alone.
    const filtered = outcome("ai-fallback", "gemini-safety-finish-200");
    expect(filtered.tiers.safety).toBe("fail");
    expect(filtered.text).toMatch(/\[conformance\].*expected error, got success/);
  });

  it("a 500 before any output is handled safely by ai-fallback and the plain loop", () => {
    expect(outcome("ai-fallback", "s03-server-error-once").tiers.safety).not.toBe("fail");
    expect(outcome("plain-fetch-loop", "s03-server-error-once").tiers.safety).not.toBe("fail");
  });

  it("cockatiel retries the same model after a cut and resets the stream first: safe", () => {
    expect(outcome("cockatiel", "s08-stream-cut").tiers.safety).not.toBe("fail");
  });

  it("cockatiel falls back on a 500 at once, as its SPEC §3 status predicate says", () => {
    const once = outcome("cockatiel", "s03-server-error-once");
    expect(once.tiers.safety).not.toBe("fail");
    expect(once.tiers.conformance, once.text).not.toBe("fail");
  });

  it("cockatiel treats a stream with no end marker (finishReason other, no raw reason) as a failure and falls back", () => {
    const cut = outcome("cockatiel", "s11-no-end-marker");
    expect(cut.tiers.conformance, cut.text).not.toBe("fail");
  });

  it("ai-fallback falls back on a stream with no end marker, but after partial output: duplicated text", () => {
    const cut = outcome("ai-fallback", "s11-no-end-marker");
    expect(cut.tiers.safety).toBe("fail");
    expect(cut.text).toMatch(/\[safety\].*openai\/gpt-4.1's whole answer.*duplicated/);
  });

  it("the AI SDK libraries move on from a Gemini 200 that carries an error (no candidate, no finish reason)", () => {
    for (const engine of ["ai-fallback", "cockatiel"] as const) {
      const empty = outcome(engine, "gemini-context-overflow-in-200");
      expect(empty.tiers.safety, `${engine}: ${empty.text}`).toBe("pass");
    }
    const moved = outcome("ai-fallback", "gemini-context-overflow-in-200");
    expect(moved.tiers.conformance, moved.text).not.toBe("fail");
  });

  it("cockatiel waits out a Retry-After through its backoff, and a rate limit's backoff on a 529", () => {
    const after = outcome("cockatiel", "s01-rate-limit-retry-after");
    expect(after.tiers.safety, after.text).toBe("pass");
    const overloaded = outcome("cockatiel", "overloaded-529-anthropic");
    expect(overloaded.tiers.conformance, overloaded.text).not.toBe("fail");
  });

  it("cockatiel trips its breaker on one auth error, and for the Retry-After above the cap", () => {
    for (const scenario of ["auth-401-trips-breaker", "retry-after-above-cap"]) {
      const tripped = outcome("cockatiel", scenario);
      expect(tripped.tiers.conformance, `${scenario}: ${tripped.text}`).not.toBe("fail");
    }
  });

  it("cockatiel fails a 400 invalid request after one call, with no retry and no fallback", () => {
    const invalid = outcome("cockatiel", "invalid-request-400-fails");
    expect(invalid.tiers.conformance, invalid.text).not.toBe("fail");
  });

  it("the plain loop returns a stream that ends early without its end marker as a success: truncated", () => {
    const cut = outcome("plain-fetch-loop", "no-end-marker-truncated");
    expect(cut.tiers.safety).toBe("fail");
    expect(cut.text).toMatch(/\[safety\].*truncated/);
  });
});
