import { formatProblems } from "../../../src/config/format-problems.ts";
import { DEFAULT_SETTINGS, type EngineConfig, type FallbackSettings } from "../../../src/config/settings.ts";
import { settingsFor } from "../../../src/config/settings-for.ts";
import { loadConfigFile } from "../../../src/node/load-config-file.ts";
import { checkAuditFile } from "../../check/check-audit.ts";
import { formatCheckResult } from "../../check/format-check-result.ts";
import { isAuditInputError } from "../../check/read-audit-lines.ts";
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

/**
 * `fallback-harness check <audit.jsonl> [--config opencode.json] [--json]`: replays an audit log through
 * the oracle (SPEC §8). Exit 0 clean (warnings allowed), 1 violations, 2 unusable input (SPEC §11).
 */
export async function checkCommand(args: CheckCommandArgs, io: CliIo): Promise<ExitCode> {
  let config: EngineConfig | undefined;
  let settings: (agent: string) => FallbackSettings = () => DEFAULT_SETTINGS;
  if (args.config !== undefined) {
    const loaded = await loadConfigFile(args.config);
    if (!loaded.ok) {
      io.stderr.write(`${formatProblems(loaded.problems, args.config)}\n`);
      io.stderr.write(
        `fallback-harness check: the config ${args.config} is unusable; nothing was checked.\n`,
      );
      return EXIT.badInput;
    }
    const loadedConfig = loaded.config;
    config = loadedConfig;
    settings = (agent) => settingsFor(loadedConfig, agent);
  }
  try {
    const result = await checkAuditFile(
      args.file,
      config === undefined ? { settingsFor: settings } : { settingsFor: settings, config },
    );
    io.stdout.write(
      args.json === true
        ? `${JSON.stringify({ file: args.file, ...result }, null, 2)}\n`
        : formatCheckResult(result, args.file),
    );
    return result.ok ? EXIT.ok : EXIT.checkFailed;
  } catch (error) {
    const message = isAuditInputError(error)
      ? error.message
      : `Failed to check ${args.file}: ${error instanceof Error ? error.message : String(error)}.`;
    io.stderr.write(`fallback-harness check: ${message}\n`);
    return EXIT.badInput;
  }
}
