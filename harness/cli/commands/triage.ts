import { isAbsolute, relative, resolve } from "node:path";
import { formatProblems } from "../../../src/config/format-problems.ts";
import type { EngineConfig } from "../../../src/config/settings.ts";
import { loadConfigFile } from "../../../src/node/load-config-file.ts";
import { isAuditInputError } from "../../check/read-audit-lines.ts";
import type { IncidentReadSummary } from "../../incident/incident-line.ts";
import { formatIncidentProblems, readIncidentLog } from "../../incident/read-incident-log.ts";
import { createTriage } from "../../triage/create-triage.ts";
import { summaryLine } from "../../triage/render/triage-text.ts";
import type { TriageFindings } from "../../triage/triage-findings.ts";
import {
  defaultTriageDirName,
  writeTriageReport,
  type TriageReportFiles,
} from "../../triage/write-triage-report.ts";
import { describeThrown } from "../../report/describe-thrown.ts";
import { scrubDeep } from "../../report/scrub.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableDir } from "../output-path.ts";

/** Arguments of `fallback-harness triage`. */
export interface TriageCommandArgs {
  /** The audit log: SPEC §8 or OpenCode-style JSONL, gzipped when it ends in `.gz`. */
  readonly file: string;
  /** The report folder; default `reports/triage-<log name>/`. */
  readonly out?: string;
  /** The opencode.json the engine ran with: actions then name its paths and values. */
  readonly config?: string;
  /** Print the findings as JSON on stdout (the report files are written all the same). */
  readonly json?: boolean;
}

function why(error: unknown): string {
  return describeThrown(error).message;
}

/** A path as the user would type it: relative to the working folder when it is inside it. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function summary(findings: TriageFindings, files: TriageReportFiles, cwd: string, file: string): string {
  const out = [`fallback-harness triage: ${file}`, `  ${summaryLine(findings)}`];
  if (findings.actions.length === 0)
    out.push(`  Nothing to suggest: none of the ${findings.rules.length} runbook rules fired.`);
  else {
    out.push(`  Suggested actions (${findings.actions.length}):`);
    findings.actions.forEach((a, i) => out.push(`    ${i + 1}. ${a.title} [${a.id}]`));
  }
  out.push(`Report: ${shown(files.markdown, cwd)}`, `        ${shown(files.html, cwd)}`, "");
  return out.join("\n");
}

/**
 * `fallback-harness triage <audit.jsonl> [--out dir] [--config opencode.json] [--json]`: the DECISION_141
 * Triage and Repair runbook as a report (`triage.md`, `triage.html`). Exit 0 when the report was written —
 * triage is a report, not a gate — and 2 for unusable input (a missing or unreadable log, a broken gzip, a
 * log with no usable line, a bad config), with a message and never a stack trace (SPEC §11).
 */
export async function triageCommand(args: TriageCommandArgs, io: CliIo): Promise<ExitCode> {
  const fail = (message: string): ExitCode => {
    io.stderr.write(`fallback-harness triage: ${message}\n`);
    return EXIT.badInput;
  };
  let config: EngineConfig | undefined;
  if (args.config !== undefined) {
    const loaded = await loadConfigFile(resolve(io.cwd, args.config));
    if (!loaded.ok) {
      io.stderr.write(`${formatProblems(loaded.problems, args.config)}\n`);
      return fail(`the config ${args.config} is unusable; nothing was triaged.`);
    }
    config = loaded.config;
  }
  const dir = resolve(io.cwd, args.out ?? `reports/${defaultTriageDirName(args.file)}`);
  // Checked before the log is read: a large log should not be read only to fail at the last step.
  const unwritable = await checkWritableDir(dir);
  if (unwritable !== null)
    return fail(`cannot write the report there: ${unwritable}. Pass --out a folder you can write to.`);
  const triage = createTriage(config === undefined ? { file: args.file } : { file: args.file, config });
  let read: IncidentReadSummary;
  try {
    read = await readIncidentLog(resolve(io.cwd, args.file), (line) => triage.feed(line), {
      file: args.file,
    });
  } catch (error) {
    return fail(
      isAuditInputError(error) ? error.message : `Failed to read the audit log ${args.file}: ${why(error)}.`,
    );
  }
  if (read.usedLines === 0) {
    io.stderr.write(formatIncidentProblems(read));
    return fail(
      `Failed to triage ${args.file}: it has no usable audit line (${read.totalLines} line(s) read). Pass a SPEC §8 or OpenCode-style JSONL log.`,
    );
  }
  // The report's log-quality section has them too; on the terminal they are the first thing to know.
  if (read.problems.length > 0) io.stderr.write(formatIncidentProblems(read));
  // The findings quote log lines; a credential an engine logged must not reach the report files.
  const findings = scrubDeep(triage.finish(read));
  let files: TriageReportFiles;
  try {
    files = await writeTriageReport(findings, dir);
  } catch (error) {
    return fail(`Failed to write the report to ${dir}: ${why(error)}. Pass a writable folder with --out.`);
  }
  io.stdout.write(
    args.json === true
      ? `${JSON.stringify({ ...findings, report: { markdown: shown(files.markdown, io.cwd), html: shown(files.html, io.cwd) } }, null, 2)}\n`
      : summary(findings, files, io.cwd, args.file),
  );
  return EXIT.ok;
}
