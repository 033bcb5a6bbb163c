/**
 * The judge's own reading of an `opencode.json` / `.jsonc` (SPEC §2, §5, §10.1): validation with JSON
 * paths, §2's defaults filled in, agents' overrides kept for `oracleSettingsFor`. It imports nothing from
 * `src/`, so a wrong default or a wrong merge in the engine is judged by different code.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type ParseError,
} from "jsonc-parser";
import { ORACLE_DEFAULTS } from "./config-defaults.ts";
import { overlaySettings } from "./config-merge.ts";
import type { OracleConfigProblem } from "./config-problems.ts";
import type { OracleAgent, OracleConfig, OracleOverrides } from "./config-types.ts";
import { configProblems } from "./config-validate.ts";

/** The judge's reading of a config: the config, or every problem found in it. */
export type ConfigReading =
  | { readonly ok: true; readonly config: OracleConfig; readonly problems: readonly [] }
  | { readonly ok: false; readonly problems: readonly OracleConfigProblem[] };

type Raw = Readonly<Record<string, unknown>>;

function record(value: unknown): Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}

function agentOf(raw: Raw): OracleAgent {
  // OpenCode's own agent keys (prompt, tools, …) are not the judge's business: keep only the three of §2.
  return {
    ...(raw["model"] === undefined ? {} : { model: raw["model"] as string }),
    ...(raw["models"] === undefined ? {} : { models: raw["models"] as string[] }),
    ...(raw["fallback"] === undefined ? {} : { fallback: raw["fallback"] as OracleOverrides }),
  };
}

/** Builds the reading of a config `configProblems` found nothing wrong with. */
function build(raw: Raw): OracleConfig {
  const { chains, ...settings } = record(raw["fallback"]);
  // fromEntries defines own properties, so an agent or chain named "__proto__" stays data.
  return {
    ...(raw["model"] === undefined ? {} : { model: raw["model"] as string }),
    agent: Object.fromEntries(
      Object.entries(record(raw["agent"])).map(([name, agent]) => [name, agentOf(record(agent))]),
    ),
    fallback: overlaySettings(ORACLE_DEFAULTS, settings),
    chains: Object.fromEntries(Object.entries(record(chains)) as [string, string[]][]),
  };
}

/** Reads an already-parsed config value (a scenario's inline `config:`). Never throws. */
export function readConfigValue(raw: unknown): ConfigReading {
  const problems = configProblems(raw);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, config: build(record(raw)), problems: [] };
}

/** 1-based line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Reads the text of an `opencode.json` / `.jsonc` (comments and trailing commas allowed, SPEC §2); each
 * problem also gets the line and column of the node it is about. Never throws.
 */
export function readConfigText(text: string): ConfigReading {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined || errors.length > 0) {
    const first = errors[0];
    const at = position(source, first?.offset ?? 0);
    const why = first === undefined ? "the file holds no JSON value" : printParseErrorCode(first.error);
    return { ok: false, problems: [{ path: [], pointer: "", message: `syntax error: ${why}`, ...at }] };
  }
  const reading = readConfigValue(getNodeValue(root));
  if (reading.ok) return reading;
  const located = reading.problems.map((problem) => {
    for (let length = problem.path.length; length >= 0; length -= 1) {
      const node = findNodeAtLocation(root, [...problem.path.slice(0, length)]);
      if (node !== undefined) return { ...problem, ...position(source, node.offset) };
    }
    return problem;
  });
  return { ok: false, problems: located };
}

/** Reads a config file; an unreadable file is a problem at the root like any other. Never throws. */
export async function readConfigFile(path: string): Promise<ConfigReading> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ path: [], pointer: "", message: `cannot read the file (${reason})` }] };
  }
  return readConfigText(text);
}

/**
 * A scenario's config as the judge reads it: `config:` inline, or a path to an `opencode.json` relative to
 * the scenario file. This is what the runner hands to `judgeRun` (never the engine's parsed copy, §10.1).
 */
export async function readScenarioConfig(config: unknown, scenarioFile: string): Promise<ConfigReading> {
  return typeof config === "string"
    ? readConfigFile(resolve(dirname(scenarioFile), config))
    : readConfigValue(config);
}
