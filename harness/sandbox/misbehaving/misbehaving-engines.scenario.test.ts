import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../cli/cli-test-io.ts";
import { runCommand } from "../../cli/commands/run.ts";
import { RunReportSchema, type RunReport } from "../../report/report-schema.ts";
import { mapPool } from "../pool.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const scenario = join(here, "basic.yaml");

/** Each misbehaving engine and the words its FAIL reason must hold (SPEC §10.1: the reason names it). */
const EXPECTED: Readonly<Record<string, string>> = {
  "exits-0-in-run": "exit: the engine exited the worker with code 0 during request #0",
  "exits-1-in-run": "exit: the engine exited the worker with code 1 during request #0",
  "exits-in-create": "exit: the engine exited the worker with code 0 while create was running",
  "exits-in-close": "exit: the engine exited the worker with code 0 while close was running",
  "exits-mid-stream": "exit: the engine exited the worker with code 0 during request #0",
  "exits-after-answer": "exit: the engine exited the worker with code 0",
  "mutates-config":
    "config-mutated: the engine changed the config it was given (config.fallback.max_retries: 3 → 0)",
  "create-never-settles": "never-settled: create returned a promise that can never settle",
  "close-never-settles": "never-settled: close returned a promise that can never settle",
  "run-never-settles": "2 request(s) hung past their deadline",
  "leaks-interval":
    "leaked-handles: after close the engine left 1 Timeout (virtual, 60000 ms interval) running",
  "leaks-server": "leaked-handles: after close the engine left 1 TCPServerWrap running",
  "resolves-wrong-shape":
    "result-shape: request #0: run resolved { served: string, output: string }, expected { model: string, text: string, attempts: number }",
  "resolves-undefined": "result-shape: request #0: run resolved undefined",
  "resolves-string": "result-shape: request #0: run resolved string",
  "create-returns-nothing":
    "the engine failed: create resolved undefined, expected { run(request), close?() }",
  "unhandled-rejection":
    "unhandled-rejection: a promise of the engine rejected with no handler: Error: background refresh failed",
  "throws-in-timer":
    "escaped-exception: an exception escaped the engine (thrown in a timer or callback): TypeError",
  "rejects-with-string": "expected success, got error (string: upstream said no)",
  "rejects-with-undefined": "rejected with undefined (no error value)",
  "rejects-multiline": "first line ⏎ second line ⏎ at somewhere",
  "spins-in-run":
    "watchdog: the engine's worker showed no sign of life for 8 s of real time (during request #0)",
  "spins-in-create": "create-timeout: create did not settle within 5 s of real time",
  "clobbers-globals": "never-settled: close returned a promise that can never settle",
  "exhausts-memory": "out-of-memory: the engine exhausted its 256 MB heap (during request #0)",
  "floods-stdout": "output-flood: the engine wrote more than 1048576 bytes to stdout",
  "floods-stderr": "output-flood: the engine wrote more than 1048576 bytes to stderr",
  "connects-elsewhere": "network: the engine opened a connection to 127.0.0.2:9, which is not the fleet",
  "fetches-elsewhere":
    "network: the engine sent a request to https://telemetry.example.invalid/v1/events, which the fleet does not serve",
  "http-request-elsewhere":
    "network: the engine sent a request to http://127.0.0.2:8080/health, which the fleet does not serve",
  "kills-harness": "process-kill: the engine tried to send SIGKILL to the harness",
  "throws-in-create": "the engine failed: missing OPENAI_API_KEY",
  "close-throws": "the engine failed to close: pool already closed",
  "leaks-api-key": "expected success, got error (Error: 401 from upstream: Incorrect API key provided:",
};

interface GateResult {
  readonly code: number;
  readonly report: RunReport | null;
  readonly out: string;
  readonly err: string;
  readonly files: string;
}

async function gate(engine: string, reports: string, name: string): Promise<GateResult> {
  const io = recordingIo({ CI: "true" }, here);
  const reportDir = join(reports, name);
  const code = await runCommand(
    {
      paths: [scenario],
      engine,
      reportDir,
      jobs: 1,
      scenarioTimeoutMs: 120_000,
      stallTimeoutMs: 8_000,
      phaseTimeoutMs: 5_000,
      engineMemoryMb: 256,
    },
    io,
    { cores: 1, wallNow: () => 0 },
  );
  let report: RunReport | null = null;
  let files = "";
  try {
    report = RunReportSchema.parse(JSON.parse(await readFile(join(reportDir, "report.json"), "utf8")));
    for (const file of await readdir(reportDir))
      files += await readFile(join(reportDir, file), "utf8").catch(() => "");
  } catch {
    report = null;
  }
  return { code, report, out: io.out(), err: io.err(), files };
}

const results = new Map<string, GateResult>();
const engines = Object.keys(EXPECTED).sort();

beforeAll(async () => {
  const reports = await mkdtemp(join(tmpdir(), "fh-misbehaving-"));
  const control = join(here, "controls", "prints-a-little.ts");
  await mapPool([...engines, "prints-a-little"], 3, async (name) => {
    const module = name === "prints-a-little" ? control : join(here, "engines", `${name}.ts`);
    results.set(name, await gate(module, reports, name));
    if (process.env.FH_PROGRESS) console.log(`${name}: exit ${results.get(name)?.code}`);
  });
}, 1_500_000);

describe("misbehaving engines (SPEC §10.1: the engine is untrusted)", () => {
  it("has one engine module per failure mode, every module in the table", async () => {
    const files = (await readdir(join(here, "engines"))).map((f) => f.replace(/\.ts$/, "")).sort();
    expect(files).toEqual(engines);
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it("passes a well-behaved engine that prints a little (exit 0)", () => {
    const result = results.get("prints-a-little");
    const reasons = result?.report?.scenarios.map((s) => s.reasons);
    expect(reasons, JSON.stringify(reasons)).toEqual([[]]);
    expect(result?.code, result?.out).toBe(0);
  });

  it.each(engines)("%s: exit 1, a report, and a reason naming what happened", (name) => {
    const result = results.get(name);
    expect(result, "the gate did not return").toBeDefined();
    if (!result) return;
    expect(result.err, "nothing on stderr").toBe("");
    expect(result.code, result.out).toBe(1);
    expect(result.report?.verdict).toBe("fail");
    const reasons = result.report?.scenarios.flatMap((s) => s.reasons) ?? [];
    expect(reasons.join("\n")).toContain(EXPECTED[name]);
    // Readable lines, never a stack trace.
    expect(`${result.out}${reasons.join("\n")}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
  });

  it("never lets a credential out, in the output or any report file", () => {
    const result = results.get("leaks-api-key");
    expect(result?.code).toBe(1);
    expect(`${result?.out ?? ""}${result?.files ?? ""}`).not.toContain(
      "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    );
  });
});
