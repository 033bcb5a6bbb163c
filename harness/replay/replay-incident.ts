import { parseAuditLine } from "../oracle/audit-schema.ts";
import { oracleSettingsFor } from "../oracle/config-merge.ts";
import { readConfigValue } from "../oracle/config-reading.ts";
import { prepareScenario, type ScenarioRun } from "../runner/run-scenario.ts";
import { runFromSource, type EngineSource } from "../runner/run-suite.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import {
  compareDecisions,
  type CompareOptions,
  type DecisionComparison,
  type Tolerance,
} from "./compare-decisions.ts";
import { decisionsOf } from "./decisions.ts";
import type { NumberedLine } from "./incident-calls.ts";
import {
  inferScenario,
  ReplayInputError,
  type InferredScenario,
  type KnownConfig,
} from "./infer-scenario.ts";

/** Everything replay needs beyond the log. */
export interface ReplayOptions {
  /** The log's name, for the scenario's description. */
  readonly source: string;
  readonly id: string;
  readonly config?: KnownConfig;
  /** The engine: isolated in a worker (the CLI), or inline for trusted code (tests). */
  readonly engine: EngineSource;
  /** The engine's seed (jitter); a production log's seed is unknown, so each wait is judged by its bounds. */
  readonly seed?: number;
  readonly tolerance: Tolerance;
  /** The path the scenario is written to (relative config paths resolve from it). */
  readonly scenarioFile: string;
}

export interface ReplayResult {
  readonly inferred: InferredScenario;
  readonly run: ScenarioRun;
  readonly comparison: DecisionComparison;
  /** Replayed audit lines that do not fit SPEC §8 (the engine's own schema problems), by line number. */
  readonly unparsedReplayLines: readonly number[];
}

/** The replayed audit as numbered SPEC §8 lines. */
export function numberedAudit(text: string): { lines: NumberedLine[]; unparsed: number[] } {
  const lines: NumberedLine[] = [];
  const unparsed: number[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      unparsed.push(i + 1);
      return;
    }
    const parsed = parseAuditLine(value);
    if (parsed.ok) lines.push({ line: i + 1, audit: parsed.line });
    else unparsed.push(i + 1);
  });
  return { lines, unparsed };
}

/**
 * The bounds of every request's waits, from the judge's own reading of the scenario's config (the one given
 * to replay, or the one inferred from the log), not the engine's: a wrong default in the engine must not
 * make its own waits look right.
 */
function waitSettingsOf(inferred: InferredScenario): CompareOptions["settingsFor"] {
  const reading = readConfigValue(inferred.scenario["config"]);
  if (!reading.ok) {
    const problems = reading.problems.map((p) => `${p.pointer}: ${p.message}`).join("; ");
    throw new ReplayInputError(`the judge cannot read the config to bound the waits (${problems})`);
  }
  return (agent) => oracleSettingsFor(reading.config, agent);
}

/** Runs an inferred scenario against the engine on a virtual clock and compares its decisions with the incident's. */
export async function replayInferred(
  lines: readonly NumberedLine[],
  inferred: InferredScenario,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const scenario = scenarioSchema.safeParse(inferred.scenario);
  if (!scenario.success) {
    const issues = scenario.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ReplayInputError(`the inferred scenario is not valid (${issues})`);
  }
  const run = await runFromSource(options.engine, {
    scenario: scenario.data,
    file: options.scenarioFile,
    configs: await prepareScenario(scenario.data, options.scenarioFile),
    seed: scenario.data.seed,
    transport: scenario.data.transport,
  });
  const replayed = numberedAudit(run.auditText);
  const comparison = compareDecisions(decisionsOf(lines), decisionsOf(replayed.lines), {
    tolerance: options.tolerance,
    settingsFor: waitSettingsOf(inferred),
  });
  return { inferred, run, comparison, unparsedReplayLines: replayed.unparsed };
}

/** Infers the incident's scenario and replays it (see {@link replayInferred}). */
export async function replayIncident(
  lines: readonly NumberedLine[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const inferred = inferScenario(lines, {
    id: options.id,
    source: options.source,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  return replayInferred(lines, inferred, options);
}
