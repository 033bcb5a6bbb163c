import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ORACLE_DEFAULTS, SPEC_SETTING_PATHS } from "../oracle/config-defaults.ts";
import { readConfigFile, readConfigValue } from "../oracle/config-reading.ts";
import type { OracleConfig } from "../oracle/config-types.ts";

const library = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/**
 * Settings a scenario cannot observe, each with the reason. `audit_log` says where an engine writes its
 * JSONL on its own; under the harness every engine is handed an audit sink (SPEC §10), so the path never
 * shows in a run (src/node/create-node-engine.ts and its tests own that behaviour).
 */
const NOT_OBSERVABLE_IN_A_SCENARIO: Readonly<Record<string, string>> = {
  audit_log:
    "the harness hands every engine an audit sink (SPEC §10); the file path is not a scenario behaviour",
};

/** Besides §2's `fallback` settings, the agent-level keys of §2's table must be varied too. */
const AGENT_KEYS = ["agent.model", "agent.models", "agent.fallback"] as const;

function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split(".")) {
    node =
      typeof node === "object" && node !== null && Object.hasOwn(node, key)
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  return node;
}

/**
 * The §2 keys `config` sets to something other than the default, globally or in an agent's override. `chains`
 * and `actions` count when non-empty; an agent's override counts when it differs from what it overrides.
 */
function variedKeys(config: OracleConfig): string[] {
  const agents = Object.values(config.agent);
  const blocks = [config.fallback, ...agents.map((agent) => agent.fallback ?? {})];
  const varied = SPEC_SETTING_PATHS.filter((path) =>
    path === "chains"
      ? Object.keys(config.chains).length > 0
      : blocks.some((block) => {
          const value = at(block, path);
          return value !== undefined && JSON.stringify(value) !== JSON.stringify(at(ORACLE_DEFAULTS, path));
        }),
  );
  if (agents.some((agent) => agent.model !== undefined)) varied.push("agent.model");
  if (agents.some((agent) => (agent.models ?? []).length > 0)) varied.push("agent.models");
  if (agents.some((agent) => agent.fallback !== undefined && Object.keys(agent.fallback).length > 0))
    varied.push("agent.fallback");
  return varied;
}

async function libraryConfigs(): Promise<{ file: string; config: OracleConfig }[]> {
  const files = readdirSync(library, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".yaml"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const out: { file: string; config: OracleConfig }[] = [];
  for (const file of files) {
    const raw = (parseYaml(readFileSync(file, "utf8")) as { config?: unknown }).config;
    const reading =
      typeof raw === "string" ? await readConfigFile(resolve(dirname(file), raw)) : readConfigValue(raw);
    if (!reading.ok)
      throw new Error(
        `Failed to read the config of ${file}: ${reading.problems.map((p) => p.message).join("; ")}.`,
      );
    out.push({ file: relative(library, file), config: reading.config });
  }
  return out;
}

describe("the scenario library varies every SPEC §2 setting", () => {
  it("exempts only settings that exist and that no scenario could vary anyway", () => {
    for (const key of Object.keys(NOT_OBSERVABLE_IN_A_SCENARIO)) expect(SPEC_SETTING_PATHS).toContain(key);
  });

  it("lists every leaf of §2's fallback table (a new default must be added here and covered)", () => {
    const leaves = (value: unknown, prefix: string): string[] =>
      typeof value === "object" && value !== null && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([key, entry]) =>
            leaves(entry, prefix === "" ? key : `${prefix}.${key}`),
          )
        : [prefix];
    expect([...SPEC_SETTING_PATHS].sort()).toEqual([...leaves(ORACLE_DEFAULTS, ""), "chains"].sort());
  });

  it("sets each one to a non-default value in at least one shipped scenario", async () => {
    const configs = await libraryConfigs();
    expect(configs.length).toBeGreaterThanOrEqual(80);
    const coveredBy = new Map<string, string>();
    for (const { file, config } of configs)
      for (const key of variedKeys(config)) if (!coveredBy.has(key)) coveredBy.set(key, file);
    const missing = [...SPEC_SETTING_PATHS, ...AGENT_KEYS].filter(
      (key) => !coveredBy.has(key) && !Object.hasOwn(NOT_OBSERVABLE_IN_A_SCENARIO, key),
    );
    expect(missing, "§2 settings no scenario in scenarios/ sets to a non-default value").toEqual([]);
  });
});
