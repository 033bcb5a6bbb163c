import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import {
  buildScorecard,
  ScorecardReportSchema,
  type EngineColumn,
  type NoReport,
  type ScorecardReport,
} from "../../report/scorecard.ts";
import { scorecardHtml, scorecardMarkdown } from "../../report/scorecard-render.ts";
import { scrubText } from "../../report/scrub.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { runCommand, type RunArgs, type RunDeps } from "./run.ts";

/** A folder name for an engine as given: `reference`, `./engines/my-engine.ts` → `my-engine`, URLs → slug. */
export function engineDirName(given: string): string {
  const base = /^[a-z]+:/i.test(given) ? given : basename(given, extname(given));
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "");
  return slug || "engine";
}

/** Folder names for every engine, made unique in order (`a`, `a-2`). */
function dirNames(engines: readonly string[]): string[] {
  const used = new Set<string>();
  return engines.map((given) => {
    const base = engineDirName(given);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}

function stamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
}

async function readReport(dir: string): Promise<ScorecardReport | NoReport> {
  try {
    const parsed = ScorecardReportSchema.safeParse(
      JSON.parse(await readFile(join(dir, "report.json"), "utf8")),
    );
    return parsed.success ? parsed.data : { error: "its report.json is not a report" };
  } catch {
    return { error: "the engine could not be run (no report; see the messages above)" };
  }
}

/**
 * `run --engine a --engine b …`: the suite once per engine, each into `<report-dir>/<engine>/` with its full
 * report, then `scorecard.md` and `scorecard.html` beside them. The exit code is the worst engine's (each run
 * gates by its tier, so the scorecard does too); an engine that cannot run is a NOT RUN column and exit 2.
 */
export function scorecardCommand(
  engines: readonly string[],
): (args: RunArgs, io: CliIo, deps: RunDeps) => Promise<ExitCode> {
  return async (args, io, deps) => {
    const root = resolve(io.cwd, args.reportDir ?? `reports/scorecard-${stamp(deps.wallNow())}`);
    const names = dirNames(engines);
    const columns: EngineColumn[] = [];
    for (const [i, given] of engines.entries()) {
      const dir = names[i] ?? `engine-${i + 1}`;
      io.stdout.write(`== engine ${given} → ${relative(io.cwd, join(root, dir)) || "."} ==\n`);
      const exitCode = await runCommand({ ...args, engine: given, reportDir: join(root, dir) }, io, deps);
      columns.push({ given, dir, exitCode, report: await readReport(join(root, dir)) });
    }
    const card = buildScorecard(columns);
    await mkdir(root, { recursive: true });
    // Reasons quote engine messages: scrubbed like every report file.
    await writeFile(join(root, "scorecard.md"), scrubText(scorecardMarkdown(card)));
    await writeFile(join(root, "scorecard.html"), scrubText(scorecardHtml(card)));
    io.stdout.write(
      `scorecard: ${relative(io.cwd, join(root, "scorecard.md"))} (and scorecard.html) — ${columns.map((c) => `${c.dir} exit ${c.exitCode}`).join(", ")}\n`,
    );
    return card.exitCode >= 2 ? EXIT.badInput : card.exitCode === 1 ? EXIT.checkFailed : EXIT.ok;
  };
}
