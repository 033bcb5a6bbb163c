import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { referenceEngine } from "../../../src/index.ts";
import { buildReport } from "../../report/build-report.ts";
import { referenceCorpusEvidence } from "../../report/corpus-evidence.ts";
import { parityMatrix } from "../../report/parity.ts";
import { writeReport, type ExtraRenderer } from "../../report/write-report.ts";
import { EngineModuleError, loadEngineModule } from "../../runner/engine-module.ts";
import type { FleetFactory } from "../../runner/fleet-port.ts";
import { runSuite, type ScenarioOutcome } from "../../runner/run-suite.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";

/** The shipped scenario library: `run` with no paths runs it (the embedded default). */
export const SHIPPED_SCENARIOS = fileURLToPath(new URL("../../../scenarios/", import.meta.url));

/** Options of `fallback-harness run`. */
export interface RunArgs {
  readonly paths: readonly string[];
  readonly engine?: string;
  readonly seed?: number;
  readonly tags?: readonly string[];
  readonly transport?: "inproc" | "loopback";
  readonly reportDir?: string;
}

/** What `run` needs beyond its arguments, injected so tests can run it in-process. */
export interface RunDeps {
  readonly fleet: FleetFactory;
  readonly extras?: readonly ExtraRenderer[];
  /** Wall clock, for the run id and timings only. */
  readonly wallNow: () => number;
}

function runId(nowMs: number): string {
  return `run-${new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-")}`;
}

function progressLine(io: CliIo): ((done: number, total: number, o: ScenarioOutcome) => void) | undefined {
  const interactive = io.stdout.isTTY === true && io.env.CI !== "true" && io.env.CI !== "1";
  if (!interactive) return undefined;
  let failed = 0;
  return (done, total, o) => {
    if (o.verdict.verdict === "fail") failed++;
    io.stdout.write(`\r\x1b[2K[${done}/${total}] ${failed} failed · ${o.scenario.id} ${o.verdict.verdict.toUpperCase()}`);
    if (done === total) io.stdout.write("\n");
  };
}

/**
 * `fallback-harness run [paths…]`: runs scenarios against an engine, writes the report, and exits 0 when
 * every scenario and parity row passes, 1 when one fails, 2 when the input is unusable (SPEC §11).
 */
export async function runCommand(args: RunArgs, io: CliIo, deps: RunDeps): Promise<ExitCode> {
  let engine;
  try {
    engine = await loadEngineModule(args.engine, io.cwd);
  } catch (error) {
    if (error instanceof EngineModuleError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  const paths = args.paths.length > 0 ? args.paths : [SHIPPED_SCENARIOS];
  const started = deps.wallNow();
  const onScenario = progressLine(io);
  const suite = await runSuite({
    paths,
    cwd: io.cwd,
    engine,
    fleet: deps.fleet,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.tags ? { tags: args.tags } : {}),
    ...(args.transport ? { transport: args.transport } : {}),
    ...(onScenario ? { onScenario } : {}),
    wallNow: deps.wallNow,
  });
  if (!suite.ok) {
    io.stderr.write(`${suite.problems.join("\n")}\nNothing was run.\n`);
    return EXIT.badInput;
  }
  const extra = engine === referenceEngine ? { corpus: referenceCorpusEvidence() } : {};
  const parity = parityMatrix(suite.outcomes, extra);
  const report = buildReport({ outcomes: suite.outcomes, parity, engine: engine.name, seed: args.seed, cwd: io.cwd });
  const dir = resolve(io.cwd, args.reportDir ?? `reports/${runId(started)}`);
  await writeReport(dir, report, suite.outcomes, deps.extras ?? []);
  const wallS = ((deps.wallNow() - started) / 1000).toFixed(1);

  const out: string[] = [];
  for (const s of report.scenarios.filter((x) => x.verdict === "fail")) {
    out.push(`FAIL ${s.id} (${s.file})`);
    for (const reason of s.reasons.slice(0, 5)) out.push(`  - ${reason}`);
  }
  out.push(`${report.totals.passed}/${report.totals.scenarios} scenarios passed (${report.totals.requests} requests, ${report.totals.attempts} attempts) against ${engine.name} in ${wallS}s`);
  out.push(`parity: ${report.parity.map((p) => `${p.id} ${p.status}`).join(" · ")}`);
  out.push(`report: ${relative(io.cwd, dir) || "."}/summary.md${(deps.extras ?? []).length > 0 ? " (and index.html)" : ""}`);
  io.stdout.write(`${out.join("\n")}\n`);
  return report.exit_code === 0 ? EXIT.ok : EXIT.checkFailed;
}
