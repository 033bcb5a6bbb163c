/**
 * fallback-harness/harness — the Node layer: fleet, scenarios, runner, checker, reports. Every public name
 * is listed here.
 */
export { createFleet } from "./fleet/index.ts";
export type {
  Fleet,
  FleetOptions,
  FleetEndpoint,
  FleetLogEntry,
  FaultBinding,
  FaultBindingInput,
} from "./fleet/index.ts";

export { scenarioSchema } from "./scenario/schema.ts";
export type { Scenario, Expectations, Traffic, RequestExpectation } from "./scenario/schema.ts";
export { loadScenarioFile, parseScenarioText, formatScenarioProblems } from "./scenario/load-scenario.ts";
export type { ScenarioProblem, LoadResult } from "./scenario/load-scenario.ts";

export { runScenario, ScenarioInputError, VIRTUAL_START_MS } from "./runner/run-scenario.ts";
export type { ScenarioRun, RunScenarioOptions } from "./runner/run-scenario.ts";
export { runSuite, runFromSource } from "./runner/run-suite.ts";
export type { EngineSource, ScenarioOutcome, SuiteOptions, SuiteResult } from "./runner/run-suite.ts";
export { judgeRun } from "./runner/judge.ts";
export type { ScenarioVerdict } from "./runner/judge.ts";
export { createFleetFactory } from "./runner/fleet-adapter.ts";
export type { FleetFactory, FleetHandle } from "./runner/fleet-port.ts";
export { resolveEngineSource, REFERENCE_ENGINE_MODULE } from "./sandbox/engine-source.ts";
export { runIsolated } from "./sandbox/run-isolated.ts";
export { DEFAULT_LIMITS } from "./sandbox/supervise-isolate.ts";
export type { IsolateLimits } from "./sandbox/supervise-isolate.ts";
export { runOnVirtualTime } from "./sim/virtual-time.ts";
export { defineScenarioTests } from "./vitest/define-scenario-tests.ts";
export type { ScenarioTestOptions } from "./vitest/define-scenario-tests.ts";

export { checkAuditFile, checkAuditStream } from "./check/check-audit.ts";
export type { CheckOptions, CheckResult } from "./check/audit-checker.ts";
export type { Violation, CheckWarning } from "./check/violation-collector.ts";
export { RULES } from "./check/rules.ts";
export type { RuleId } from "./check/rules.ts";
export { crossCheckFleet } from "./oracle/cross-check.ts";

export { RunReportSchema, ScenarioReportSchema } from "./report/report-schema.ts";
export type { RunReport, ScenarioReport } from "./report/report-schema.ts";
export { parityMatrix, DECISIONS } from "./report/parity.ts";
export type { ParityRow, DecisionId } from "./report/parity.ts";

export { main } from "./cli/main.ts";
