import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleReport, type ReportInputs } from "../../report/assemble-report.ts";
import { referenceCorpusEvidence } from "../../report/corpus-evidence.ts";
import { writeShardFile } from "../../report/shard-file.ts";
import { writeReport, type ExtraRenderer } from "../../report/write-report.ts";
import { checkEngineUnderFaults } from "../../properties/engine-property.ts";
import type { PropertyReport } from "../../report/report-schema.ts";
import type { EngineSource } from "../../runner/run-suite.ts";
import { resolveEngineSource } from "../../sandbox/engine-source.ts";
import { DEFAULT_LIMITS, type IsolateLimits } from "../../sandbox/supervise-isolate.ts";
import { runSuite, type ScenarioOutcome } from "../../runner/run-suite.ts";
import { formatShard, type Shard } from "../../runner/shard.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableDir } from "../output-path.ts";
import { writeRealtimeNote } from "../../runner/realtime-span.ts";

/** The shipped scenario library: `run` with no paths runs it (the embedded default). */
export const SHIPPED_SCENARIOS = fileURLToPath(new URL("../../../scenarios/", import.meta.url));

/** Options of `fallback-harness run`. */
export interface RunArgs {
  readonly paths: readonly string[];
  readonly engine?: string;
  readonly seed?: number;
  readonly tags?: readonly string[];
  readonly transport?: "inproc" | "loopback";
  /** What gates the exit code (SPEC §10.3): `safety` failures only, or any failure (`conformance`, default). */
  readonly tier?: "safety" | "conformance";
  readonly reportDir?: string;
  /** Scenarios at once, each engine in its own worker thread (default: the machine's cores). */
  readonly jobs?: number;
  /** Real-time watchdog per scenario, ms. */
  readonly scenarioTimeoutMs?: number;
  /** Real time an engine may block its worker's event loop, ms. */
  readonly stallTimeoutMs?: number;
  /** Heap limit of each engine's isolate, MB. */
  readonly engineMemoryMb?: number;
  /** Real-time bound on loading the engine, on `create` and on `close`, ms. */
  readonly phaseTimeoutMs?: number;
  /** Bytes the engine may print before it is stopped. */
  readonly outputLimitBytes?: number;
  /** Also run the engine property over this many random scenarios (each in its own isolate). */
  readonly properties?: number;
  /** Wall-time budget of the property, runs and shrinking together, ms (default 300 s). */
  readonly propertiesTimeMs?: number;
  /** Run only this shard of the suite (stable by scenario id) and store its outcomes for `merge-reports`. */
  readonly shard?: Shard;
  /** `real`: every scenario on the wall clock, the fleet on loopback (forced for process engines). */
  readonly clock?: "virtual" | "real";
  /** Real-time runs: wall-time budget of the whole run, ms (scenarios that do not fit are skipped). */
  readonly realtimeBudgetMs?: number;
  /** Serve each scenario's fleet on this 127.0.0.1 port (`gateway:URL`: the port its config names). */
  readonly fleetPort?: number;
}

/** The options that change a run's results, for merge-reports to compare: all but folders, jobs, shard. */
function resultSettings(args: RunArgs): Record<string, unknown> {
  const { paths: _paths, reportDir: _reportDir, jobs: _jobs, shard: _shard, ...settings } = args;
  return settings;
}

/** What `run` needs beyond its arguments, injected so tests can run it in-process. */
export interface RunDeps {
  /** Default of `--jobs`: the machine's cores. */
  readonly cores: number;
  readonly extras?: readonly ExtraRenderer[];
  /** Wall clock, for the run id and timings only. */
  readonly wallNow: () => number;
}

/** The engine property in the gate: random configs × faults × traffic, counterexamples into the report. */
async function runProperties(engine: EngineSource, args: RunArgs, dir: string): Promise<PropertyReport> {
  const seed = args.seed ?? 1;
  const result = await checkEngineUnderFaults({
    engine,
    ...(args.engine !== undefined && args.engine !== "reference" ? { engineModule: args.engine } : {}),
    name: "engine-under-faults",
    seed,
    numRuns: args.properties ?? 0,
    cwd: dir,
    dir: "counterexamples",
    // Runs that have not found a failure when the budget ends pass with the runs made; a failure being
    // shrunk when it ends is reported as the smallest found so far.
    timeLimitMs: args.propertiesTimeMs ?? 300_000,
  });
  if (result.ok)
    return {
      property: "engine-under-faults",
      seed,
      runs: result.numRuns,
      verdict: "pass",
      counterexample: null,
      violations: [],
    };
  return {
    property: "engine-under-faults",
    seed,
    runs: args.properties ?? 0,
    verdict: "fail",
    counterexample: result.file,
    violations: result.violations.map((v) => `[${v.law}] ${v.message}`),
  };
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
    io.stdout.write(
      `\r\x1b[2K[${done}/${total}] ${failed} failed · ${o.scenario.id} ${o.verdict.verdict.toUpperCase()}`,
    );
    if (done === total) io.stdout.write("\n");
  };
}

/**
 * `fallback-harness run [paths…]`: runs scenarios against an engine, writes the report, and exits 0 when
 * every scenario and parity row passes, 1 when one fails, 2 when the input is unusable (SPEC §11).
 */
export async function runCommand(args: RunArgs, io: CliIo, deps: RunDeps): Promise<ExitCode> {
  const limits: IsolateLimits = {
    ...DEFAULT_LIMITS,
    ...(args.scenarioTimeoutMs !== undefined ? { scenarioTimeoutMs: args.scenarioTimeoutMs } : {}),
    ...(args.engineMemoryMb !== undefined ? { memoryMb: args.engineMemoryMb } : {}),
    ...(args.stallTimeoutMs !== undefined ? { stallTimeoutMs: args.stallTimeoutMs } : {}),
    ...(args.phaseTimeoutMs !== undefined ? { phaseTimeoutMs: args.phaseTimeoutMs } : {}),
    ...(args.outputLimitBytes !== undefined ? { outputLimitBytes: args.outputLimitBytes } : {}),
  };
  // No probe: each scenario's isolate loads the module and names the engine (one worker fewer per run).
  const resolved = await resolveEngineSource(args.engine, io.cwd, { probe: false });
  if (!resolved.ok) {
    io.stderr.write(`${resolved.message}\n`);
    return EXIT.badInput;
  }
  const engine = resolved.source;
  // A process engine runs on real time, one scenario at a time (it is a real process, or a fixed port).
  const processEngine = resolved.process;
  if (processEngine?.needsFleetPort && args.fleetPort === undefined) {
    io.stderr.write(
      `--engine ${args.engine ?? ""}: give --fleet-port P, the port your gateway's upstream URLs name (http://127.0.0.1:P/openai/v1, …; \`serve --port P\` prints them).\n`,
    );
    return EXIT.badInput;
  }
  const notReady = await processEngine?.prepare?.((line) => io.stderr.write(`${line}\n`));
  if (notReady) {
    io.stderr.write(`--engine ${args.engine ?? ""}: ${notReady}\nNothing was run.\n`);
    return EXIT.badInput;
  }
  const clock = processEngine ? "real" : args.clock;
  const paths = args.paths.length > 0 ? args.paths : [SHIPPED_SCENARIOS];
  const started = deps.wallNow();
  // A report folder that cannot be written must stop the run before it starts, not after every scenario ran.
  const unwritable = await checkWritableDir(resolve(io.cwd, args.reportDir ?? `reports/${runId(started)}`));
  if (unwritable !== null) {
    io.stderr.write(
      `fallback-harness run: cannot write the report there: ${unwritable}. Pass --report-dir a folder you can write to.\nNothing was run.\n`,
    );
    return EXIT.badInput;
  }
  const onScenario = progressLine(io);
  const suite = await runSuite({
    paths,
    cwd: io.cwd,
    engine,
    jobs: processEngine || args.fleetPort !== undefined ? 1 : (args.jobs ?? deps.cores),
    limits,
    ...(clock ? { clock } : {}),
    ...(args.realtimeBudgetMs !== undefined ? { realtimeBudgetMs: args.realtimeBudgetMs } : {}),
    ...(processEngine ? { engineEnv: processEngine.env } : {}),
    ...(args.fleetPort !== undefined ? { fleetPort: args.fleetPort } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.tags ? { tags: args.tags } : {}),
    ...(args.transport ? { transport: args.transport } : {}),
    ...(onScenario ? { onScenario } : {}),
    ...(args.shard ? { shard: args.shard } : {}),
    wallNow: deps.wallNow,
  });
  if (!suite.ok) {
    io.stderr.write(`${suite.problems.join("\n")}\nNothing was run.\n`);
    return EXIT.badInput;
  }
  const extra = resolved.reference ? { corpus: referenceCorpusEvidence() } : {};
  const engineName = suite.outcomes[0]?.run.engine ?? engine.name ?? "(unnamed engine)";
  const dir = resolve(io.cwd, args.reportDir ?? `reports/${runId(started)}`);
  // A sharded suite runs the property once, in shard 1, as an unsharded run does once.
  const propertiesHere = args.properties && (args.shard === undefined || args.shard.index === 1);
  const properties = propertiesHere ? await runProperties(engine, args, dir) : undefined;
  const inputs: ReportInputs = {
    engine: engineName,
    seed: args.seed,
    parityExtra: extra,
    ...(args.tier ? { tier: args.tier } : {}),
    ...(properties ? { properties } : {}),
  };
  const report = assembleReport(suite.outcomes, inputs, io.cwd);
  await writeReport(dir, report, suite.outcomes, deps.extras ?? []);
  const skipped = suite.skipped ?? [];
  if (clock === "real") await writeRealtimeNote(dir, args.realtimeBudgetMs, skipped, io.cwd);
  if (args.shard)
    await writeShardFile(
      dir,
      io.cwd,
      {
        shard: args.shard,
        selection: suite.selection,
        inputs,
        // The clock it really ran on (a process engine forces real time), for merge-reports to compare.
        settings: { ...resultSettings(args), ...(clock ? { clock } : {}) },
        skipped: skipped.map((s) => ({ id: s.id, reason: s.reason })),
      },
      suite.outcomes,
    );
  const wallS = ((deps.wallNow() - started) / 1000).toFixed(1);

  const out: string[] = [];
  for (const s of report.scenarios.filter((x) => x.verdict === "fail")) {
    out.push(`FAIL ${s.id} (${s.file}) — safety ${s.tiers.safety}, conformance ${s.tiers.conformance}`);
    for (const reason of s.reasons.slice(0, 5)) out.push(`  - ${reason}`);
  }
  out.push(
    `${report.totals.passed}/${report.totals.scenarios} scenarios passed (${report.totals.requests} requests, ${report.totals.attempts} attempts) against ${engineName} in ${wallS}s${args.shard ? ` (shard ${formatShard(args.shard)} of ${suite.selection.length} scenarios; merge the shards with merge-reports)` : ""}`,
  );
  if (report.properties) {
    const p = report.properties;
    out.push(
      `properties: ${p.property} ${p.verdict.toUpperCase()} over ${p.runs} random scenario(s), seed ${p.seed}${p.counterexample ? ` — counterexample ${relative(io.cwd, join(dir, p.counterexample))}` : ""}`,
    );
    for (const v of p.violations.slice(0, 5)) out.push(`  - ${v}`);
  }
  out.push(
    `tiers: ${(["safety", "conformance"] as const).map((t) => `${t} ${report.totals[t].passed} pass, ${report.totals[t].failed} fail, ${report.totals[t].partial} partial`).join(" · ")} (gating: ${report.tier})`,
  );
  for (const s of skipped) out.push(`SKIP ${s.id} (${relative(io.cwd, s.file)}): ${s.reason}`);
  out.push(`parity: ${report.parity.map((p) => `${p.id} ${p.status}`).join(" · ")}`);
  out.push(
    `report: ${relative(io.cwd, dir) || "."}/summary.md${(deps.extras ?? []).length > 0 ? " (and index.html)" : ""}`,
  );
  io.stdout.write(`${out.join("\n")}\n`);
  return report.exit_code === 0 ? EXIT.ok : EXIT.checkFailed;
}
