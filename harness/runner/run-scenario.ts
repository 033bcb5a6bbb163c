import { dirname, resolve } from "node:path";
import {
  loadConfigFile,
  parseConfig,
  type ConfigProblem,
  type EngineConfig,
  type EngineUnderTest,
} from "../../src/index.ts";
import type { Scenario } from "../scenario/schema.ts";
import { modelsOfConfig } from "../scenario/scenario-config-reading.ts";
import { executeScenario, type ExecutionRecords } from "./execute-scenario.ts";
import type { OracleConfig } from "../oracle/config-types.ts";
import { oracleResolveChain } from "../oracle/chain-oracle.ts";
import { judgeScenarioConfig } from "./judge-config.ts";
import type { Check } from "./checks.ts";
import { judgeExpectationChecks } from "./expectations.ts";
import type { FleetFactory } from "./fleet-port.ts";
import type { AuditRecord, ExpectationFailure, FleetCall, RequestRecord } from "./records.ts";

export { HANG_GRACE_MS, VIRTUAL_START_MS } from "./execute-scenario.ts";

/** A scenario that cannot run: its config is invalid, or a fault targets nothing the config uses. */
export class ScenarioInputError extends Error {
  override readonly name = "ScenarioInputError";
  constructor(
    message: string,
    readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(message);
  }
}

/** What one scenario run produced. */
export interface ScenarioRun {
  readonly id: string;
  readonly seed: number;
  readonly engine: string;
  readonly startMs: number;
  readonly requests: readonly RequestRecord[];
  /** The audit exactly as the engine wrote it. */
  readonly auditText: string;
  readonly audit: readonly AuditRecord[];
  /** Audit lines that are not JSON, with their 1-based line numbers (the checker reports them too). */
  readonly unparsedAuditLines: readonly number[];
  readonly fleetCalls: readonly FleetCall[];
  readonly fleetLogText: string;
  readonly canonicalText: string;
  /** Canonical mode: each model's answer as the fleet sent it (`provider/model` → text); empty in faker mode. */
  readonly answers: Readonly<Record<string, string>>;
  /** The fleet's content mode: with `canonical`, every success must be the whole canonical answer. */
  readonly content: "canonical" | "faker";
  readonly expectationFailures: readonly ExpectationFailure[];
  /** Every expectation as a check: its tier, its evidence, pass / fail / not checked (SPEC §10.2–§10.3). */
  readonly expectationChecks: readonly Check[];
  /** The engine declared `audit: "spec"`: its audit is evidence even when it wrote nothing (then it fails). */
  readonly auditDeclared?: boolean;
  /** The clock the scenario ran on: on `real` the judge allows the transport's latency where it must. */
  readonly clock?: "virtual" | "real";
  /** How many times the engine used the scenario's compaction hook. */
  readonly compactions?: number;
  /** The engine failed to start or close, or its isolate died; the scenario fails with this. */
  readonly engineError: string | null;
  /** Misbehaviour seen while it ran (wrong result shape, a changed config, a stray connection…). */
  readonly engineFaults: readonly string[];
  /** The judge's reading of the config (harness/oracle/config-reading.ts). */
  readonly config: OracleConfig;
  /** The engine's isolate died before it reported: `engineError` says how; nothing else was observed. */
  readonly incomplete?: true;
  /** Ground truth (issue 12 item 3): the prompt text of every traffic line, so the judge can find it in the audit. */
  readonly prompts?: readonly string[];
}

/** Options of one run. */
export interface RunScenarioOptions {
  readonly engine: EngineUnderTest;
  readonly fleet: FleetFactory;
  /** The file the scenario came from (its config path is relative to it). */
  readonly file: string;
  readonly seed?: number;
  readonly transport?: "inproc" | "loopback";
}

/** The config under test: inline, or a file next to the scenario. */
export async function scenarioConfig(scenario: Scenario, file: string): Promise<EngineConfig> {
  const result =
    typeof scenario.config === "string"
      ? await loadConfigFile(resolve(dirname(file), scenario.config))
      : parseConfig(scenario.config);
  if (!result.ok) {
    throw new ScenarioInputError(`the config of scenario ${scenario.id} is invalid`, result.problems);
  }
  return result.config;
}

/** A fault bound to a model no chain uses is a mistake in the scenario, not a fault the engine survived. */
function checkFaultTargets(scenario: Scenario, config: EngineConfig, extraModels: readonly string[]): void {
  const models = new Set([...modelsOfConfig(config), ...extraModels]);
  const providers = new Set([...models].map((m) => m.split("/")[0]));
  scenario.faults.forEach((binding, i) => {
    const target = binding.target;
    if (target === "*" || models.has(target) || (!target.includes("/") && providers.has(target))) return;
    throw new ScenarioInputError(
      `faults[${i}].target: "${target}" is not a model or provider the scenario's config uses (${[...models].join(", ")})`,
    );
  });
}

function parseAudit(text: string): { records: AuditRecord[]; unparsed: number[] } {
  const records: AuditRecord[] = [];
  const unparsed: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        records.push(value as AuditRecord);
      else unparsed.push(i + 1);
    } catch {
      unparsed.push(i + 1);
    }
  });
  return { records, unparsed };
}

/** Everything the judge needs besides the records: what ran, with which seed, against what. */
export interface RunIdentity {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly engine: string;
  /** The judge's own reading of the scenario's config (`judgeScenarioConfig`), never the engine's copy. */
  readonly config: OracleConfig;
}

/** The first model of each request's chain, as the judge reads the config (SPEC §5). */
function chainHeads(config: OracleConfig, requests: readonly { readonly agent: string }[]): Set<string> {
  const heads = new Set<string>();
  for (const agent of new Set(requests.map((r) => r.agent))) {
    const primary = Object.hasOwn(config.agent, agent) ? config.agent[agent]?.model : undefined;
    const head = oracleResolveChain(config, agent, primary ?? config.model)?.[0];
    if (head !== undefined) heads.add(head);
  }
  return heads;
}

/** Turns an execution's plain records into a run: the audit parsed and the scenario's expectations judged. */
export function finishRun(identity: RunIdentity, records: ExecutionRecords): ScenarioRun {
  const { scenario } = identity;
  const { records: audit, unparsed } = parseAudit(records.auditText);
  const auditDeclared = records.auditDeclared === true;
  const expectationChecks = judgeExpectationChecks(scenario.expect, {
    startMs: records.startMs,
    requests: records.requests,
    audit,
    fleet: records.fleetCalls,
    canonicalText: records.canonicalText,
    answers: records.answers,
    auditGiven: auditDeclared || records.auditText.trim() !== "",
    cannotExpress: records.cannotExpress ?? {},
    chainHeads: chainHeads(identity.config, records.requests),
  });
  const expectationFailures = expectationChecks.flatMap((c) =>
    c.outcome.kind === "fail" ? [{ expectation: c.id, message: c.outcome.message }] : [],
  );
  return {
    id: scenario.id,
    seed: identity.seed,
    engine: identity.engine,
    startMs: records.startMs,
    requests: records.requests,
    auditText: records.auditText,
    audit,
    unparsedAuditLines: unparsed,
    fleetCalls: records.fleetCalls,
    fleetLogText: records.fleetLogText,
    canonicalText: records.canonicalText,
    answers: records.answers,
    content: scenario.content,
    expectationFailures,
    expectationChecks,
    auditDeclared,
    clock: scenario.clock,
    compactions: records.compactions ?? 0,
    engineError: records.engineError,
    engineFaults: records.engineFaults,
    config: identity.config,
    prompts: scenario.traffic.map((t) => t.prompt),
  };
}

/** Validates a scenario's input (config, fault targets) and returns the config the judge reads. */
/** A scenario ready to run: the engine's parsed config (for an inline engine) and the judge's own reading. */
export interface PreparedConfigs {
  readonly engineConfig: EngineConfig;
  readonly judgeConfig: OracleConfig;
}

export async function prepareScenario(scenario: Scenario, file: string): Promise<PreparedConfigs> {
  const engineConfig = await scenarioConfig(scenario, file);
  checkFaultTargets(
    scenario,
    engineConfig,
    scenario.traffic.flatMap((t) => (t.model ? [t.model] : [])),
  );
  return { engineConfig, judgeConfig: await judgeScenarioConfig(scenario, file) };
}

/**
 * Runs one scenario against an engine in this process (trusted code only: the gate isolates engines with
 * `runIsolated`): executes it, then judges its expectations. The engine gets its own copy of the config.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioRun> {
  const { engineConfig, judgeConfig } = await prepareScenario(scenario, options.file);
  const seed = options.seed ?? scenario.seed;
  const records = await executeScenario(scenario, {
    engine: options.engine,
    fleet: options.fleet,
    config: structuredClone(engineConfig),
    seed,
    transport: options.transport ?? scenario.transport,
  });
  return finishRun({ scenario, seed, engine: options.engine.name, config: judgeConfig }, records);
}
