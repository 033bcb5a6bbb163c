import { readScenarioConfig } from "../oracle/config-reading.ts";
import { renderConfigProblems } from "../oracle/config-problems.ts";
import type { OracleConfig } from "../oracle/config-types.ts";
import type { Scenario } from "../scenario/schema.ts";

/**
 * The config the judge reads for a scenario (SPEC §10.1): the scenario's raw config through the oracle's own
 * reading of §2, never the engine's parsed copy. Call it after the input was validated: a config the input
 * check accepted and this reading rejects means the two readings disagree, a harness bug, said as such.
 */
export async function judgeScenarioConfig(scenario: Scenario, file: string): Promise<OracleConfig> {
  const reading = await readScenarioConfig(scenario.config, file);
  if (reading.ok) return reading.config;
  throw new Error(
    `Failed to read the config of scenario ${scenario.id} with the judge's own reading of SPEC §2: ${renderConfigProblems(reading.problems)}. The input check accepted it, so the two readings disagree; report this as a harness bug.`,
  );
}
