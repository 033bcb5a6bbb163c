import { formatProblems } from "../../../src/config/format-problems.ts";
import { loadConfigFile } from "../../../src/node/load-config-file.ts";
import { ORACLE_DEFAULTS } from "../../oracle/config-defaults.ts";
import { oracleSettingsFor } from "../../oracle/config-merge.ts";
import { renderConfigProblems } from "../../oracle/config-problems.ts";
import { readConfigFile } from "../../oracle/config-reading.ts";
import type { OracleConfig, OracleSettings } from "../../oracle/config-types.ts";
import type { CheckResult } from "../../check/audit-checker.ts";
import { checkAuditFile } from "../../check/check-audit.ts";
import { formatCheckResult } from "../../check/format-check-result.ts";
import { isAuditInputError } from "../../check/read-audit-lines.ts";
import { describeThrown } from "../../report/describe-thrown.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";

/** Arguments of `fallback-harness check`. */
export interface CheckCommandArgs {
  /** The audit log (JSONL, or gzipped JSONL ending in `.gz`). */
  readonly file: string;
  /** The opencode.json the engine ran with; without it the SPEC §2 defaults apply to every agent. */
  readonly config?: string;
  /** Print the result as JSON on stdout. */
  readonly json?: boolean;
}

/** Why a log with no JSON line cannot be checked, naming the file and what its lines were. */
function nothingReadable(file: string, result: CheckResult): string {
  if (result.lines === 0)
    return `Failed to check ${file}: the file is empty, so there is no audit line to check. Pass the engine's JSONL audit log (SPEC §8).`;
  const tooLong = result.counts["line-too-long"] ?? 0;
  const what = tooLong > 0 ? `, ${tooLong} of them over the line-length limit` : "";
  return `Failed to check ${file}: none of its ${result.lines} line(s) is JSON${what}, so there is no audit line to check. Pass the engine's JSONL audit log (SPEC §8), one JSON object per line.`;
}

/**
 * `fallback-harness check <audit.jsonl> [--config opencode.json] [--json]`: replays an audit log through
 * the oracle (SPEC §8). Exit 0 clean (warnings allowed), 1 violations, 2 unusable input: a config or log that cannot be read, or a
 * log with no readable (JSON) line (SPEC §11).
 */
export async function checkCommand(args: CheckCommandArgs, io: CliIo): Promise<ExitCode> {
  let config: OracleConfig | undefined;
  let settings: (agent: string) => OracleSettings = () => ORACLE_DEFAULTS;
  if (args.config !== undefined) {
    const loaded = await loadConfigFile(args.config);
    if (!loaded.ok) {
      io.stderr.write(`${formatProblems(loaded.problems, args.config)}\n`);
      io.stderr.write(
        `fallback-harness check: the config ${args.config} is unusable; nothing was checked.\n`,
      );
      return EXIT.badInput;
    }
    // The engine's loader validates (its messages carry line and column); the values the log is judged
    // by come from the oracle's own reading of SPEC §2 (SPEC §10.1).
    const reading = await readConfigFile(args.config);
    if (!reading.ok) {
      io.stderr.write(`${renderConfigProblems(reading.problems, args.config)}\n`);
      io.stderr.write(
        `fallback-harness check: the oracle's reading of ${args.config} disagrees with the engine's; report this as a harness bug.\n`,
      );
      return EXIT.badInput;
    }
    const judged = reading.config;
    config = judged;
    settings = (agent) => oracleSettingsFor(judged, agent);
  }
  try {
    const result = await checkAuditFile(
      args.file,
      config === undefined ? { settingsFor: settings } : { settingsFor: settings, config },
    );
    if (result.readableLines === 0) {
      io.stderr.write(`fallback-harness check: ${nothingReadable(args.file, result)}\n`);
      return EXIT.badInput;
    }
    io.stdout.write(
      args.json === true
        ? `${JSON.stringify({ file: args.file, ...result }, null, 2)}\n`
        : formatCheckResult(result, args.file),
    );
    return result.ok ? EXIT.ok : EXIT.checkFailed;
  } catch (error) {
    const message = isAuditInputError(error)
      ? error.message
      : `Failed to check ${args.file}: ${describeThrown(error).message}.`;
    io.stderr.write(`fallback-harness check: ${message}\n`);
    return EXIT.badInput;
  }
}
