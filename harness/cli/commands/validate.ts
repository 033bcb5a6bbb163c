import { formatProblems } from "../../../src/config/format-problems.ts";
import { loadConfigFile } from "../../../src/node/load-config-file.ts";
import { settingsFor } from "../../../src/config/settings-for.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";

/**
 * `fallback-harness validate <file>`: every problem of an opencode.json at once (exit 2), or the effective
 * configuration, global and per agent (exit 0).
 */
export async function validateCommand(file: string, io: CliIo): Promise<ExitCode> {
  const result = await loadConfigFile(file);
  if (!result.ok) {
    io.stderr.write(`${formatProblems(result.problems, file)}\n`);
    io.stderr.write(`${result.problems.length} problem(s) in ${file}; nothing was run.\n`);
    return EXIT.badInput;
  }
  const { config } = result;
  const effective = {
    model: config.model ?? null,
    fallback: config.fallback,
    chains: config.chains,
    agent: Object.fromEntries(
      Object.entries(config.agent).map(([name, agent]) => [
        name,
        { model: agent.model ?? null, models: agent.models ?? null, fallback: settingsFor(config, name) },
      ]),
    ),
  };
  io.stdout.write(`${JSON.stringify(effective, null, 2)}\n`);
  return EXIT.ok;
}
