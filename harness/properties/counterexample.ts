import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { oracleSettingsFor } from "../oracle/config-merge.ts";
import { auditByRequest } from "../runner/expectations.ts";
import type { ScenarioRun } from "../runner/run-scenario.ts";
import type { LawViolation } from "./engine-laws.ts";
import type { ScenarioInput } from "./scenario-arbitrary.ts";

/** Where counterexamples go unless told otherwise. */
export const COUNTEREXAMPLE_DIR = "reports/counterexamples";

/** What to write: the shrunk scenario, the run of it that broke a law, and how to replay it. */
export interface Counterexample {
  /** Kebab-case property name: the file is `<name>-seed<seed>.yaml`. */
  readonly name: string;
  readonly seed: number;
  /** fast-check's replay path for the same shrunk case. */
  readonly path: string;
  readonly scenario: ScenarioInput;
  readonly run: ScenarioRun;
  readonly violations: readonly LawViolation[];
  /** The `--engine` argument that reproduces it (omitted: the reference engine). */
  readonly engineModule?: string;
}

/**
 * The laws `fallback-harness run` does not judge on its own (the served model, exact text, attempt and
 * deadline bounds) written as expectations of the scenario. Each is what SPEC §6 demands of the request as
 * the audit tells it, so the reference engine meets every one and the engine that broke the law does not.
 */
export function lawExpectations(run: ScenarioRun): NonNullable<ScenarioInput["expect"]> {
  const byRequest = auditByRequest(run.audit);
  const requests = run.requests.map((request) => {
    const lines = byRequest.get(request.index) ?? [];
    const settings = oracleSettingsFor(run.config, request.agent);
    const chain = Array.isArray(lines[0]?.chain) ? lines[0].chain.length : 1;
    const terminal = lines.at(-1);
    const max = settings.enabled ? Math.max(1, chain) * (1 + settings.max_retries) + 1 : 1;
    const common = { index: request.index, attempts: { max }, max_elapsed: settings.deadline_ms };
    return terminal?.event === "fallback_success" && typeof terminal.model === "string"
      ? { ...common, outcome: "success" as const, served_by: terminal.model, text: "canonical" }
      : { ...common, outcome: "error" as const };
  });
  return { requests };
}

/** Writes the counterexample as a scenario file; returns its path relative to `cwd`. */
export async function writeCounterexample(
  example: Counterexample,
  options: { readonly cwd: string; readonly dir?: string },
): Promise<string> {
  const id = `${example.name}-seed${example.seed}`;
  const dir = join(options.cwd, options.dir ?? COUNTEREXAMPLE_DIR);
  const file = join(dir, `${id}.yaml`);
  const shown = relative(options.cwd, file);
  const replay = `npx fallback-harness run ${shown}${example.engineModule ? ` --engine ${example.engineModule}` : ""}`;
  const scenario: ScenarioInput = {
    ...example.scenario,
    id,
    title: `Counterexample of ${example.name} (seed ${example.seed})`,
    description: [
      `Shrunk by fast-check from property ${example.name}, seed ${example.seed}, path ${example.path}.`,
      `Engine: ${example.run.engine}. Replay: ${replay}`,
      "Laws broken:",
      ...example.violations.slice(0, 10).map((v) => `- [${v.law}] ${v.message}`),
    ].join("\n"),
    tags: ["counterexample", "property", example.name],
    expect: lawExpectations(example.run),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(
    file,
    `# Written by harness/properties/counterexample.ts. Replay: ${replay}\n${stringify(scenario, { lineWidth: 0 })}`,
  );
  return shown;
}
