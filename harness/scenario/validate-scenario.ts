import { REASONS } from "../../src/index.ts";
import { planTraffic } from "../runner/plan-traffic.ts";
import { pathText, type ScenarioLocator, type ScenarioProblem } from "./load-scenario.ts";
import { nearestName } from "./nearest-name.ts";
import type { ScenarioConfigProblem, ScenarioConfigReading } from "./scenario-config-reading.ts";
import type { Scenario } from "./schema.ts";

type Path = readonly (string | number)[];

/** SPEC §3's reasons plus the two the engine gives up with on its own (`ExhaustedReason`). */
const EXHAUSTED_REASONS: readonly string[] = [...REASONS, "deadline", "all_open"];

/** Turns a finding at a scenario path into a located problem. */
type Report = (path: Path, message: string, expected: string) => ScenarioProblem;

function reporter(file: string, locate: ScenarioLocator): Report {
  return (path, message, expected) => ({ file, ...locate(path), path: pathText(path), message, expected });
}

const listed = (names: readonly string[]): string => (names.length === 0 ? "(none)" : names.join(", "));
const quoted = (name: string): string => `"${name}"`;

/** `; did you mean "x"?` for a near miss, empty otherwise. */
function hint(name: string, known: readonly string[]): string {
  const near = nearestName(name, known);
  return near === undefined ? "" : `; did you mean ${quoted(near)}?`;
}

/**
 * A fault bound to a model or provider the scenario never calls would never fire: the scenario would pass
 * without testing what it says it tests. `*` binds every call; a bare provider name binds its models.
 */
export function checkFaultTargets(
  scenario: Scenario,
  models: readonly string[],
  report: Report,
): ScenarioProblem[] {
  const providers = [...new Set(models.map((m) => m.slice(0, m.indexOf("/"))))];
  const problems: ScenarioProblem[] = [];
  scenario.faults.forEach((binding, i) => {
    const target = binding.target;
    if (target === "*" || models.includes(target) || (!target.includes("/") && providers.includes(target)))
      return;
    const known = target.includes("/") ? models : providers;
    problems.push(
      report(
        ["faults", i, "target"],
        `${quoted(target)} is not a model or provider the scenario's config uses, so the fault would never fire${hint(target, known)}`,
        `"*", one of the scenario's models (${listed(models)}) or providers (${listed(providers)})`,
      ),
    );
  });
  return problems;
}

function configProblem(p: ScenarioConfigProblem, file: string, report: Report): ScenarioProblem {
  if (p.file === undefined)
    return report(
      ["config", ...p.path],
      `the config is invalid: ${p.message}`,
      p.expected ?? "a valid config (SPEC §2)",
    );
  return {
    file: p.file,
    line: p.line ?? 1,
    column: p.column ?? 1,
    path: pathText(p.path),
    message: `${p.message} (the config of ${file})`,
    ...(p.expected !== undefined ? { expected: p.expected } : {}),
  };
}

/** `expect.requests[i]`: the label and indexes exist, the model is one the scenario has, and it selects something. */
function requestRuleProblems(
  scenario: Scenario,
  models: readonly string[] | undefined,
  report: Report,
): ScenarioProblem[] {
  const plan = planTraffic(scenario.traffic);
  const labels = [...new Set(scenario.traffic.flatMap((t) => (t.label === undefined ? [] : [t.label])))];
  const problems: ScenarioProblem[] = [];
  scenario.expect.requests.forEach((rule, i) => {
    const at = ["expect", "requests", i] as const;
    let usable = true;
    if (rule.label !== undefined && !labels.includes(rule.label)) {
      usable = false;
      problems.push(
        report(
          [...at, "label"],
          `no traffic line has the label ${quoted(rule.label)}${hint(rule.label, labels)}`,
          `a traffic label: ${listed(labels)}`,
        ),
      );
    }
    const indexes = rule.index === undefined ? [] : Array.isArray(rule.index) ? rule.index : [rule.index];
    indexes.forEach((index, k) => {
      if (index < plan.length) return;
      usable = false;
      const path = Array.isArray(rule.index) ? [...at, "index", k] : [...at, "index"];
      problems.push(
        report(
          path,
          `request index ${index} does not exist: the scenario sends ${plan.length} request(s)`,
          `an index from 0 to ${plan.length - 1}`,
        ),
      );
    });
    if (rule.served_by !== undefined && models !== undefined && !models.includes(rule.served_by)) {
      problems.push(
        report(
          [...at, "served_by"],
          `${quoted(rule.served_by)} is not a model the scenario's config uses, so no request can be served by it${hint(rule.served_by, models)}`,
          `one of ${listed(models)}`,
        ),
      );
    }
    if (rule.exhausted_reason !== undefined && !EXHAUSTED_REASONS.includes(rule.exhausted_reason)) {
      problems.push(
        report(
          [...at, "exhausted_reason"],
          `${quoted(rule.exhausted_reason)} is not a reason a fallback_exhausted line can carry${hint(rule.exhausted_reason, EXHAUSTED_REASONS)}`,
          `one of ${listed(EXHAUSTED_REASONS)}`,
        ),
      );
    }
    if (!usable || (rule.label === undefined && rule.index === undefined)) return;
    const wanted = new Set(indexes);
    const selected = plan.filter(
      (r) =>
        (rule.label === undefined || r.label === rule.label) &&
        (rule.index === undefined || wanted.has(r.index)),
    );
    if (selected.length === 0) {
      const labelled = plan.filter((r) => r.label === rule.label).map((r) => r.index);
      problems.push(
        report(
          at,
          `selects no request: label ${quoted(rule.label ?? "")} has the indexes ${listed(labelled.map(String))}, none of ${listed(indexes.map(String))}`,
          "a label and indexes that select at least one request",
        ),
      );
    }
  });
  return problems;
}

/** Every other expectation that names a model: it must be one the scenario's requests can reach. */
function modelProblems(scenario: Scenario, models: readonly string[], report: Report): ScenarioProblem[] {
  const named: { path: Path; model: string | undefined }[] = [
    ...(scenario.expect.audit?.present ?? []).map((m, i) => ({
      path: ["expect", "audit", "present", i, "model"],
      model: m.model,
    })),
    ...(scenario.expect.audit?.absent ?? []).map((m, i) => ({
      path: ["expect", "audit", "absent", i, "model"],
      model: m.model,
    })),
    ...scenario.expect.breaker.map((b, i) => ({ path: ["expect", "breaker", i, "model"], model: b.model })),
    ...scenario.expect.no_hammer.map((n, i) => ({
      path: ["expect", "no_hammer", i, "model"],
      model: n.model,
    })),
    ...scenario.expect.calls.map((c, i) => ({ path: ["expect", "calls", i, "model"], model: c.model })),
    { path: ["expect", "return_to_primary", "model"], model: scenario.expect.return_to_primary?.model },
  ];
  return named.flatMap(({ path, model }) =>
    model === undefined || models.includes(model)
      ? []
      : [
          report(
            path,
            `${quoted(model)} is not a model the scenario's config uses, so this expectation would hold vacuously${hint(model, models)}`,
            `one of ${listed(models)}`,
          ),
        ],
  );
}

/** A traffic agent one typo away from an agent the config names runs on the defaults instead, silently. */
function agentProblems(scenario: Scenario, agents: readonly string[], report: Report): ScenarioProblem[] {
  return scenario.traffic.flatMap((t, i) => {
    if (agents.includes(t.agent)) return [];
    const near = nearestName(t.agent, agents);
    return near === undefined
      ? []
      : [
          report(
            ["traffic", i, "agent"],
            `agent ${quoted(t.agent)} is not in the config, which names ${quoted(near)}: a typo would run it on the defaults; did you mean ${quoted(near)}?`,
            `one of ${listed(agents)}`,
          ),
        ];
  });
}

/**
 * Everything wrong with a schema-valid scenario that can be known before it runs: an invalid config, a
 * fault that targets nothing, an expectation that names a model, label or request index the scenario does
 * not have (it would hold vacuously, or fail the engine for the scenario's mistake), a near-miss agent.
 * Each problem is located in the scenario file (or the config file) and says what was expected.
 */
export async function scenarioInputProblems(
  scenario: Scenario,
  file: string,
  reading: ScenarioConfigReading,
  locate: ScenarioLocator = () => ({ line: 1, column: 1 }),
): Promise<ScenarioProblem[]> {
  const report = reporter(file, locate);
  const config = await reading(scenario, file);
  if (!config.ok)
    return [
      ...config.problems.map((p) => configProblem(p, file, report)),
      ...requestRuleProblems(scenario, undefined, report),
    ];
  const trafficModels = scenario.traffic.flatMap((t) => (t.model === undefined ? [] : [t.model]));
  const models = [...new Set([...config.facts.models, ...trafficModels])];
  return [
    ...checkFaultTargets(scenario, models, report),
    ...agentProblems(scenario, config.facts.agents, report),
    ...requestRuleProblems(scenario, models, report),
    ...modelProblems(scenario, models, report),
  ];
}
