import {
  loadConfigFile,
  parseConfig,
  parseConfigText,
  settingsFor,
  type ParseConfigResult,
} from "../../src/index.ts";
import type { EngineReading } from "../oracle/config-agreement-law.ts";

function fromResult(result: ParseConfigResult): EngineReading {
  if (!result.ok) return { ok: false, pointers: result.problems.map((problem) => problem.pointer) };
  const { config } = result;
  return { ok: true, config, settingsFor: (agent) => settingsFor(config, agent) };
}

/**
 * The engine's (`src/`) reading of a config value, for the agreement law against the oracle's. Lives
 * outside harness/oracle because it imports the engine; the oracle itself never does.
 */
export function engineReadingOf(raw: unknown): EngineReading {
  return fromResult(parseConfig(raw));
}

/** The engine's reading of a config file (jsonc), for the agreement law on shipped config files. */
export async function engineReadingOfFile(path: string): Promise<EngineReading> {
  return fromResult(await loadConfigFile(path));
}

/** The engine's reading of config text (jsonc), for the agreement law on text. */
export function engineReadingOfText(text: string): EngineReading {
  return fromResult(parseConfigText(text));
}
