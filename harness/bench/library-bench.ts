import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectScenarioFiles } from "../runner/collect-files.ts";
import type { LibrarySection } from "./bench-report.ts";

// Issue 15 §3: the whole shipped library in under 10 s of wall time on one core. Measured as a user runs it:
// `node bin/fallback-harness.js run` in a process of its own, start-up and report writing included, pinned
// to one CPU with `taskset -c 0` where that exists. Its unit is a bare worker start timed on the same pinned
// core in the same bench run, so the ratio follows the harness's cost while a slower or busier machine, which
// slows both, cancels out.

const CLI = fileURLToPath(new URL("../../bin/fallback-harness.js", import.meta.url));
const SHIPPED = fileURLToPath(new URL("../../scenarios/", import.meta.url));
/** Reports the process's CPU time (all its threads) to the file named by FH_BENCH_CPU_FILE as it exits. */
const CPU_REPORTER = new URL("./cpu-at-exit.mjs", import.meta.url).href;
const WORKER_START = fileURLToPath(new URL("./worker-start.ts", import.meta.url));

/** Bounds of the library bench. */
export interface LibraryBenchOptions {
  /** Runs of the library; the median run (by wall time) is reported. */
  readonly runs: number;
  /**
   * Scenario files of the library to run, in path order; null: the whole library (the goal's measurement).
   * `--quick` runs a few, and the goal row says it was not judged.
   */
  readonly scenarios: number | null;
  readonly workerStarts: number;
}

/** `taskset -c 0` when it works here, else null (the run is then not on one core, and the row says so). */
function pinCommand(): readonly string[] | null {
  const probe = spawnSync("taskset", ["-c", "0", process.execPath, "-e", "0"], { stdio: "ignore" });
  return probe.status === 0 ? ["taskset", "-c", "0"] : null;
}

/** Runs `command` to its end: its exit code and wall time from spawn to exit. */
function timed(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; wallMs: number }> {
  const [file, ...args] = command as [string, ...string[]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "inherit"], env });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal !== null)
        reject(new Error(`Failed to run the library bench: ${file} ended with ${signal}.`));
      else resolve({ code: code ?? 1, wallMs: performance.now() - started });
    });
  });
}

/** Median of bare worker starts, timed by worker-start.ts in a process pinned like the library run. */
function pinnedWorkerStartMs(pin: readonly string[], starts: number): number {
  const [file, ...args] = [...pin, process.execPath, "--import", "tsx", WORKER_START, String(starts)];
  const result = spawnSync(file ?? process.execPath, args, { encoding: "utf8" });
  const ms = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(ms))
    throw new Error(`Failed to time bare worker starts: ${result.stderr || `exit ${String(result.status)}`}`);
  return ms;
}

interface LibraryRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly scenarios: number;
  readonly passed: number;
  readonly exitCode: number;
}

async function runLibrary(pin: readonly string[], paths: readonly string[]): Promise<LibraryRun> {
  const dir = mkdtempSync(join(tmpdir(), "fh-library-bench-"));
  try {
    const cpuFile = join(dir, "cpu.json");
    const reportDir = join(dir, "report");
    const command = [
      ...pin,
      process.execPath,
      "--import",
      CPU_REPORTER,
      CLI,
      "run",
      "--report-dir",
      reportDir,
      ...paths,
    ];
    const { code, wallMs } = await timed(command, { ...process.env, FH_BENCH_CPU_FILE: cpuFile, CI: "true" });
    const cpu = JSON.parse(readFileSync(cpuFile, "utf8")) as { userUs: number; systemUs: number };
    const report = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8")) as {
      totals: { scenarios: number; passed: number };
    };
    return {
      wallMs,
      cpuMs: (cpu.userUs + cpu.systemUs) / 1000,
      scenarios: report.totals.scenarios,
      passed: report.totals.passed,
      exitCode: code,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Shipped scenario files, in path order, as `run` collects them. */
async function shippedFiles(root: string): Promise<string[]> {
  const { files } = await collectScenarioFiles([SHIPPED], root);
  return [...files].sort();
}

/**
 * The whole shipped library through the CLI, on one core where the machine can pin a process, `runs` times;
 * the run with the median wall time is reported with its CPU time and its ratio to a bare worker start.
 */
export async function benchLibrary(
  options: LibraryBenchOptions,
  root: string,
  progress: (line: string) => void,
): Promise<LibrarySection> {
  const pin = pinCommand();
  const files = await shippedFiles(root);
  const subset = options.scenarios === null ? null : files.slice(0, options.scenarios);
  progress(`library: ${options.workerStarts} bare worker starts${pin ? " on CPU 0" : ""}`);
  const workerStartMs = pinnedWorkerStartMs(pin ?? [], options.workerStarts);
  const runs: LibraryRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    progress(
      `library: run ${i + 1}/${options.runs}, ${subset ? `${subset.length} of ${files.length}` : `all ${files.length}`} shipped scenarios${pin ? ", taskset -c 0" : ""}`,
    );
    runs.push(await runLibrary(pin ?? [], subset ?? []));
  }
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as LibraryRun;
  const perScenarioMs = median.wallMs / Math.max(median.scenarios, 1);
  return {
    shipped: files.length,
    scenarios: median.scenarios,
    passed: median.passed,
    exitCode: median.exitCode,
    pinned: pin !== null,
    runs: runs.length,
    wallMs: Math.round(median.wallMs),
    cpuMs: Math.round(median.cpuMs),
    wallRunsMs: runs.map((r) => Math.round(r.wallMs)),
    perScenarioMs,
    bareWorkerStartMs: workerStartMs,
    perScenarioPerWorkerStart: perScenarioMs / Math.max(workerStartMs, 0.001),
  };
}
