import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, relative, resolve } from "node:path";
import { processEngine } from "../../engines/process-engines.ts";
import { REALTIME_LATE_TOLERANCE_MS } from "../../oracle/fleet-safety.ts";
import { assembleReport } from "../../report/assemble-report.ts";
import {
  buildScoreTable,
  columnResult,
  median,
  requestTimes,
  type ColumnResult,
  type ColumnRun,
  type EngineRun,
  type ScoreColumn,
  type ScoreHeader,
} from "../../report/engine-scorecard.ts";
import { readKeptColumns, writeColumn } from "../../report/scorecard-columns.ts";
import { engineScorecardHtml, engineScorecardMarkdown } from "../../report/engine-scorecard-render.ts";
import { writeCellEvidence } from "../../report/scorecard-evidence.ts";
import { scrubText } from "../../report/scrub.ts";
import { writeReport, type ExtraRenderer } from "../../report/write-report.ts";
import { REALTIME_TOLERANCE_MS, writeRealtimeNote } from "../../runner/realtime-span.ts";
import { runSuite, type ScenarioOutcome } from "../../runner/run-suite.ts";
import { resolveEngineSource } from "../../sandbox/engine-source.ts";
import { DEFAULT_LIMITS } from "../../sandbox/supervise-isolate.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableDir } from "../output-path.ts";
import { SHIPPED_SCENARIOS } from "./run.ts";
import { scorecardReadme } from "./scorecard-readme.ts";
import {
  engineSpec,
  engineVersion,
  harnessCommit,
  machineLine,
  namespaceLine,
  SCORECARD_ENGINES,
} from "./scorecard-engines.ts";

/** Options of `fallback-harness scorecard`. */
export interface ScorecardArgs {
  /** Engines to run, in order (default: every engine of issue 14's scorecard). */
  readonly engines?: readonly string[];
  /** Scenario files or folders (default: the real-time subset, failoverbench and the error catalogue). */
  readonly paths?: readonly string[];
  /** Wall-time budget of each engine's run, seconds (scenarios that do not fit are SKIPPED with why). */
  readonly budgetS?: number;
  readonly reportDir?: string;
  readonly seed?: number;
  /** Scenarios at once for in-process engines (a process engine always runs one at a time). */
  readonly jobs?: number;
  /** Keep the columns an earlier scorecard left in the report folder for engines not run this time. */
  readonly keep?: boolean;
}

/** What the command needs beyond its arguments, injected so tests can run it in-process. */
export interface ScorecardDeps {
  readonly cores: number;
  /** Wall clock, epoch ms: the header's date and the runs' timings, never a decision. */
  readonly wallNow: () => number;
  readonly extras?: readonly ExtraRenderer[];
}

/** The real-time subset: the failoverbench family and the error catalogue (issue 14 item 4). */
export const SCORECARD_PATHS = ["failoverbench", "errors"].map((d) => join(SHIPPED_SCENARIOS, d));

/** Default wall-time budget per engine, seconds. */
export const DEFAULT_BUDGET_S = 300;

const firstLine = (text: string): string => (text.split("\n")[0] ?? "").trim();

/** A folder name for an engine (`opencode+omo` → `opencode-omo`, a path → its file name). */
function dirName(given: string, used: Set<string>): string {
  const base =
    given
      .replace(/\.[cm]?[jt]s$/, "")
      .split(/[\\/]/)
      .at(-1)
      ?.toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "") || "engine";
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}

/** One of the scorecard's engine names that is neither an example, the reference, nor a process engine. */
const knownButUnregistered = (spec: string): boolean =>
  (SCORECARD_ENGINES as readonly string[]).includes(spec) && processEngine(spec) === null;

/** The command that re-runs one cell alone (printed in its evidence and explained in the README). */
export function rerunCommand(file: string, spec: string | undefined, seed: number): string {
  return [
    "npx fallback-harness run",
    file,
    ...(spec === undefined ? [] : [`--engine ${spec}`]),
    "--clock real",
    `--seed ${seed}`,
    "--report-dir reports/cell",
  ].join(" ");
}

/** Takes what the engine's processes wrote since the last scenario (one scenario at a time, so it is that one's). */
function takeOutput(dir: string): string | null {
  const files = readdirSync(dir).sort();
  if (files.length === 0) return null;
  const text = files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
  for (const f of files) rmSync(join(dir, f), { force: true });
  return text;
}

interface EngineContext {
  readonly given: string;
  /** Filled in when the engine's run starts; its load line is completed at the end. */
  readonly ran: { date: string; commit: string; loadAtStart: string };
  readonly dir: string;
  readonly root: string;
  readonly args: ScorecardArgs;
  readonly io: CliIo;
  readonly deps: ScorecardDeps;
  readonly say: (line: string) => void;
  readonly progress: boolean;
}

const loadLine = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

/** The column's run facts, its load taken now (at its end). */
const columnRun = (ctx: EngineContext): ColumnRun => ({
  date: ctx.ran.date,
  commit: ctx.ran.commit,
  load: `${ctx.ran.loadAtStart} at its start, ${loadLine()} at its end (1/5/15 min)`,
});

function notRun(ctx: EngineContext, reason: string, version = "–"): EngineRun {
  ctx.say(`${ctx.given}: not run: ${reason}`);
  const column: ScoreColumn = {
    given: ctx.given,
    name: ctx.given,
    version,
    dir: ctx.dir,
    notRun: firstLine(reason),
    wallMs: null,
    medianMs: null,
    ran: columnRun(ctx),
  };
  return { kind: "not-run", column };
}

/** Runs the suite against one engine on real time into `<root>/<dir>/`: its report and its FAIL evidence. */
async function runEngine(ctx: EngineContext): Promise<EngineRun> {
  const { given, io, args, deps } = ctx;
  const spec = engineSpec(given, io.cwd);
  // A name of issue 14's table that no adapter answers to yet (another change adds it): say so plainly.
  if (spec !== undefined && knownButUnregistered(spec))
    return notRun(
      ctx,
      `no \`${spec}\` engine is registered in this harness yet (harness/engines/process-engines.ts)`,
    );
  const resolved = await resolveEngineSource(spec, io.cwd, { probe: false });
  if (!resolved.ok) return notRun(ctx, resolved.message);
  const engineProcess = resolved.process;
  if (engineProcess?.needsFleetPort)
    return notRun(
      ctx,
      "a gateway you start yourself: judge it with `run --engine gateway:URL --fleet-port P`",
    );
  const notReady = await engineProcess?.prepare?.((line) => ctx.say(`${given}: ${line}`));
  if (notReady) return notRun(ctx, notReady);
  const version = await engineVersion(given, engineProcess);
  const engineRoot = join(ctx.root, ctx.dir);
  await rm(engineRoot, { recursive: true, force: true });
  // A process engine's adapter keeps its process's output here (FH_ENGINE_OUTPUT_DIR): evidence.
  const outputDir = engineProcess ? join(engineRoot, ".engine-output") : null;
  if (outputDir) mkdirSync(outputDir, { recursive: true });
  const outputs = new Map<string, string>();
  const budgetS = args.budgetS ?? DEFAULT_BUDGET_S;
  const started = deps.wallNow();
  const suite = await runSuite({
    paths: args.paths ?? SCORECARD_PATHS,
    cwd: io.cwd,
    engine: resolved.source,
    jobs: engineProcess ? 1 : (args.jobs ?? deps.cores),
    limits: DEFAULT_LIMITS,
    clock: "real",
    realtimeBudgetMs: budgetS * 1000,
    ...(engineProcess || outputDir
      ? { engineEnv: { ...engineProcess?.env, ...(outputDir ? { FH_ENGINE_OUTPUT_DIR: outputDir } : {}) } }
      : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    onScenario: (done, total, o) => {
      const text = outputDir ? takeOutput(outputDir) : null;
      if (text !== null) outputs.set(o.scenario.id, text);
      if (ctx.progress)
        io.stdout.write(`${given} [${done}/${total}] ${o.scenario.id} ${o.verdict.verdict.toUpperCase()}\n`);
    },
    wallNow: deps.wallNow,
  });
  if (outputDir) await rm(outputDir, { recursive: true, force: true });
  if (!suite.ok) return notRun(ctx, suite.problems.join("; "), version);
  const wallMs = deps.wallNow() - started;
  const skipped = (suite.skipped ?? []).map((s) => ({ id: s.id, file: s.file, reason: s.reason }));
  const name = suite.outcomes[0]?.run.engine ?? given;
  const report = assembleReport(suite.outcomes, { engine: name, seed: args.seed, parityExtra: {} }, io.cwd);
  await writeReport(engineRoot, report, suite.outcomes, ctx.deps.extras ?? []);
  await writeRealtimeNote(engineRoot, budgetS * 1000, suite.skipped ?? [], io.cwd);
  const evidence = new Map<string, string>();
  for (const o of suite.outcomes.filter((x: ScenarioOutcome) => x.verdict.verdict === "fail")) {
    const folder = join("evidence", o.scenario.id);
    const scenarioFile = relative(io.cwd, o.file);
    const [checks] = await writeCellEvidence(join(engineRoot, folder), {
      outcome: o,
      rerun: rerunCommand(scenarioFile, spec, o.run.seed),
      scenarioFile,
      engineOutput: outputs.get(o.scenario.id) ?? null,
    });
    evidence.set(o.scenario.id, [ctx.dir, folder, checks].join("/"));
  }
  const failedCount = evidence.size;
  ctx.say(
    `${given}: ${suite.outcomes.length - failedCount}/${suite.outcomes.length} passed, ${skipped.length} skipped, ${(wallMs / 1000).toFixed(1)} s`,
  );
  const column: ScoreColumn = {
    given,
    name,
    version,
    dir: ctx.dir,
    notRun: null,
    wallMs,
    medianMs: median(suite.outcomes.flatMap(requestTimes)),
    ran: columnRun(ctx),
  };
  return { kind: "ran", column, outcomes: suite.outcomes, skipped, evidence };
}

/** Issue 14's engines in their order, any other engine after them in the order it came. */
function inTableOrder(results: readonly ColumnResult[]): ColumnResult[] {
  const rank = (given: string): number => {
    const at = (SCORECARD_ENGINES as readonly string[]).indexOf(given);
    return at < 0 ? SCORECARD_ENGINES.length : at;
  };
  return [...results].sort((a, b) => rank(a.column.given) - rank(b.column.given));
}

/**
 * `fallback-harness scorecard` (`npm run scorecard`): the real-time subset against every engine of issue
 * 14, into `reports/scorecard/`: scorecard.md and .html (engine × scenario), each engine's full report, the
 * evidence of each FAIL, and a README on re-running one cell. An engine that cannot run (not registered,
 * its install failed) is a NOT RUN column with the reason, never a crash. Exit 0 once the scorecard is
 * written (its FAILs are findings about the engines, not a gate); 2 when it cannot be written.
 */
export async function scorecardCommand(
  args: ScorecardArgs,
  io: CliIo,
  deps: ScorecardDeps,
): Promise<ExitCode> {
  const root = resolve(io.cwd, args.reportDir ?? join("reports", "scorecard"));
  const unwritable = await checkWritableDir(root);
  if (unwritable !== null) {
    io.stderr.write(
      `fallback-harness scorecard: cannot write there: ${unwritable}. Pass --report-dir a folder you can write to.\n`,
    );
    return EXIT.badInput;
  }
  const quiet = io.env.CI === "true" || io.env.CI === "1";
  const progress = io.stdout.isTTY === true && !quiet;
  const say = (line: string): void => void io.stdout.write(`${line}\n`);
  const engines = args.engines && args.engines.length > 0 ? args.engines : SCORECARD_ENGINES;
  const machineAtStart = machineLine();
  const date = new Date(deps.wallNow()).toISOString();
  const used = new Set<string>(["evidence"]);
  const fresh: ColumnResult[] = [];
  for (const given of engines) {
    const dir = dirName(given, used);
    const ran = {
      date: new Date(deps.wallNow()).toISOString(),
      commit: harnessCommit(),
      loadAtStart: loadLine(),
    };
    const run = columnResult(await runEngine({ given, dir, ran, root, args, io, deps, say, progress }));
    // Scenario files relative to where the command ran: a kept column stays valid in another clone.
    const result = { ...run, rows: run.rows.map((r) => ({ ...r, file: relative(io.cwd, r.file) })) };
    await mkdir(join(root, dir), { recursive: true });
    await writeColumn(join(root, dir), result);
    fresh.push(result);
  }
  const kept = args.keep ? await readKeptColumns(root, used) : { ok: true as const, columns: [] };
  if (!kept.ok) {
    io.stderr.write(`fallback-harness scorecard: cannot keep the earlier columns: ${kept.message}\n`);
    return EXIT.badInput;
  }
  for (const k of kept.columns)
    say(`${k.column.given}: kept from ${k.column.ran.date} (${k.column.ran.commit})`);
  const header: ScoreHeader = {
    date,
    machine: `${machineAtStart}; load ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")} at the end`,
    namespace: namespaceLine(),
    commit: harnessCommit(),
    budgetS: args.budgetS ?? DEFAULT_BUDGET_S,
    tolerances: [
      `${REALTIME_TOLERANCE_MS} ms added to \`max_elapsed\` and \`return_to_primary.within\`; \`no_hammer\` windows and call counts as written`,
      `a provider call up to ${REALTIME_LATE_TOLERANCE_MS} ms after its request ended is not a \`safety.no-call-after-end\` violation (the end is read in another thread than the fleet's clock)`,
    ],
  };
  const table = buildScoreTable(header, inTableOrder([...fresh, ...kept.columns]));
  await mkdir(root, { recursive: true });
  // Reasons quote engine messages: scrubbed like every report file.
  await writeFile(join(root, "scorecard.md"), scrubText(engineScorecardMarkdown(table)));
  await writeFile(join(root, "scorecard.html"), scrubText(engineScorecardHtml(table)));
  await writeFile(join(root, "README.md"), scorecardReadme());
  say(`scorecard: ${relative(io.cwd, join(root, "scorecard.md")) || "scorecard.md"} (and scorecard.html)`);
  return EXIT.ok;
}
