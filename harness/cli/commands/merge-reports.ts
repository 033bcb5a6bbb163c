import { relative, resolve } from "node:path";
import { assembleReport } from "../../report/assemble-report.ts";
import { mergeShards } from "../../report/merge-reports.ts";
import { writeReport, type ExtraRenderer } from "../../report/write-report.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableDir } from "../output-path.ts";

/** Options of `fallback-harness merge-reports`. */
export interface MergeReportsArgs {
  /** Report folders of `run --shard i/n`. */
  readonly dirs: readonly string[];
  readonly reportDir?: string;
}

/** What `merge-reports` needs beyond its arguments (the HTML renderer, as `run` gets it). */
export interface MergeReportsDeps {
  readonly extras?: readonly ExtraRenderer[];
}

/**
 * `fallback-harness merge-reports dir…`: one report from the shards of a sharded run — the same report.json,
 * summary.md, junit.xml, index.html and per-scenario logs an unsharded run writes — and that run's exit code.
 * Shards that do not belong together are unusable input (exit 2).
 */
export async function mergeReportsCommand(
  args: MergeReportsArgs,
  io: CliIo,
  deps: MergeReportsDeps = {},
): Promise<ExitCode> {
  const dir = resolve(io.cwd, args.reportDir ?? "reports/merged");
  const absolute = args.dirs.map((d) => resolve(io.cwd, d));
  if (absolute.includes(dir)) {
    io.stderr.write(`fallback-harness merge-reports: --report-dir must not be one of the shard folders.\n`);
    return EXIT.badInput;
  }
  const result = await mergeShards(args.dirs, io.cwd);
  if (!result.ok) {
    io.stderr.write(`${result.problems.map((p) => `merge-reports: ${p}`).join("\n")}\nNothing was merged.\n`);
    return EXIT.badInput;
  }
  const unwritable = await checkWritableDir(dir);
  if (unwritable !== null) {
    io.stderr.write(
      `fallback-harness merge-reports: cannot write the report there: ${unwritable}. Pass --report-dir a folder you can write to.\n`,
    );
    return EXIT.badInput;
  }
  const { outcomes, inputs, shards, skipped } = result.merged;
  const report = assembleReport(outcomes, inputs, io.cwd);
  await writeReport(dir, report, outcomes, deps.extras ?? []);
  const out: string[] = [];
  for (const s of report.scenarios.filter((x) => x.verdict === "fail"))
    out.push(`FAIL ${s.id} (${s.file})`, ...s.reasons.slice(0, 5).map((r) => `  - ${r}`));
  out.push(
    `merged ${shards.length} shard(s): ${report.totals.passed}/${report.totals.scenarios} scenarios passed against ${report.engine}`,
    ...skipped.map((s) => `SKIP ${s.id}: ${s.reason}`),
    `parity: ${report.parity.map((p) => `${p.id} ${p.status}`).join(" · ")}`,
    `report: ${relative(io.cwd, dir) || "."}/summary.md`,
  );
  io.stdout.write(`${out.join("\n")}\n`);
  return report.exit_code === 0 ? EXIT.ok : EXIT.checkFailed;
}
