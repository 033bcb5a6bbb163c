import { dirname, resolve } from "node:path";
import { isModelId, loadConfigFile, parseConfig, type EngineConfig } from "../../src/index.ts";
import type { Scenario } from "./schema.ts";

/** What validating a scenario needs to know of its config: the models it routes to and the agents it names. */
export interface ScenarioConfigFacts {
  /** Every model id the config can route a request to, in the order the config names them. */
  readonly models: readonly string[];
  /** Agents the config names (`agent.<a>`, or a `fallback.chains` key that is not a model id or `default`). */
  readonly agents: readonly string[];
}

/** One thing wrong with a scenario's config, as the config reading reports it. */
export interface ScenarioConfigProblem {
  /** Path inside the config (`["fallback", "max_retries"]`); the scenario's `config` key is not part of it. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly expected?: string;
  /** For a config in its own file: that file and the position in it. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The config's facts, or every problem that makes it unusable. */
export type ScenarioConfigResult =
  | { readonly ok: true; readonly facts: ScenarioConfigFacts }
  | { readonly ok: false; readonly problems: readonly ScenarioConfigProblem[] };

/**
 * Reads a scenario's config (inline, or a file relative to the scenario). A parameter of validation, so the
 * harness's own reading of §2 can replace the engine's without touching the checks.
 */
export type ScenarioConfigReading = (scenario: Scenario, file: string) => Promise<ScenarioConfigResult>;

/** Every model id an engine config can route to. */
export function modelsOfConfig(config: EngineConfig): string[] {
  const models = new Set<string>();
  if (config.model) models.add(config.model);
  for (const agent of Object.values(config.agent)) {
    if (agent.model) models.add(agent.model);
    for (const m of agent.models ?? []) models.add(m);
  }
  for (const chain of Object.values(config.chains)) for (const m of chain) models.add(m);
  return [...models];
}

function agentsOfConfig(config: EngineConfig): string[] {
  const chainAgents = Object.keys(config.chains).filter((key) => key !== "default" && !isModelId(key));
  return [...new Set([...Object.keys(config.agent), ...chainAgents])];
}

/**
 * Today's reading: the reference engine's own `parseConfig` / `loadConfigFile`, the one place validation
 * depends on `src/`'s config code. Swap it for the oracle's reading (harness/oracle) when that lands.
 */
export const srcConfigReading: ScenarioConfigReading = async (scenario, file) => {
  const configFile =
    typeof scenario.config === "string" ? resolve(dirname(file), scenario.config) : undefined;
  const result = configFile === undefined ? parseConfig(scenario.config) : await loadConfigFile(configFile);
  if (result.ok)
    return {
      ok: true,
      facts: { models: modelsOfConfig(result.config), agents: agentsOfConfig(result.config) },
    };
  return {
    ok: false,
    problems: result.problems.map((p) => ({
      path: p.path,
      message: p.message,
      ...(p.expected ? { expected: p.expected } : {}),
      ...(configFile !== undefined ? { file: configFile } : {}),
      ...(p.line !== undefined ? { line: p.line } : {}),
      ...(p.column !== undefined ? { column: p.column } : {}),
    })),
  };
};
