import {
  DEFAULT_SETTINGS,
  resolveChain,
  settingsFor,
  type ChainSource,
  type EngineConfig,
  type FallbackSettings,
} from "../../../src/index.ts";
import type { ConfigChange, TriageAnalysis } from "../triage-findings.ts";

/** `agent.build` or `agent["my agent"]`: dot notation where a key allows it. */
export function keyPath(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** Where an agent's chain lives in opencode.json, per SPEC §5 source. */
function chainPath(source: ChainSource, agent: string, primary: string): string {
  switch (source) {
    case "agent.models":
    case "primary":
      return `${keyPath("agent", agent)}.models`;
    case "chains.agent":
      return keyPath("fallback.chains", agent);
    case "chains.primary":
      return keyPath("fallback.chains", primary);
    case "chains.default":
      return "fallback.chains.default";
    default: {
      const never: never = source;
      return never;
    }
  }
}

/** An agent's chain and where to change it: from the config when given, else as the log's requests carried it. */
export interface ChainLocation {
  readonly chain: readonly string[];
  readonly path: string;
  readonly from: ConfigChange["currentFrom"];
  /** Other agents whose chain comes from the same place (a shared `fallback.chains` entry). */
  readonly sharedWith: readonly string[];
}

/** Where `agent`'s chain lives and what it holds; null when neither the config nor the log tells. */
export function chainLocation(
  analysis: TriageAnalysis,
  config: EngineConfig | undefined,
  agent: string,
): ChainLocation | null {
  if (config === undefined) {
    const chain = analysis.agents.find((a) => a.agent === agent)?.chain ?? null;
    return chain === null
      ? null
      : { chain, path: `${keyPath("agent", agent)}.models`, from: "log", sharedWith: [] };
  }
  const resolved = resolveChain(config, { agent });
  if ("error" in resolved) return null;
  const path = chainPath(resolved.source, agent, resolved.primary);
  const sharedWith = analysis.agents
    .map((a) => a.agent)
    .filter((other) => {
      if (other === agent) return false;
      const theirs = resolveChain(config, { agent: other });
      return !("error" in theirs) && chainPath(theirs.source, other, theirs.primary) === path;
    });
  return { chain: resolved.chain, path, from: "config", sharedWith };
}

/** A fallback setting by its key path (`["circuit_breaker", "cooldown_ms"]`). */
type SettingKey =
  | readonly ["circuit_breaker", "cooldown_ms"]
  | readonly ["max_retries"]
  | readonly ["retry_after_cap_ms"]
  | readonly ["audit_log"];

function read(settings: unknown, key: SettingKey): unknown {
  let value: unknown = settings;
  for (const part of key)
    value =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** The setting's path and value for `agent`: its own override when it has one, else the global block. */
export function settingLocation(
  config: EngineConfig,
  agent: string,
  key: SettingKey,
): { path: string; value: unknown } {
  const override = Object.hasOwn(config.agent, agent) ? config.agent[agent]?.fallback : undefined;
  const own = override === undefined ? undefined : read(override, key);
  if (own !== undefined) return { path: `${keyPath("agent", agent)}.fallback.${key.join(".")}`, value: own };
  return { path: `fallback.${key.join(".")}`, value: read(settingsFor(config, agent), key) };
}

/**
 * One change per distinct config path for the agents given: each agent's own override, or the global key
 * they share. Without a config, one change on the global key with the value the log shows (or SPEC §2's).
 */
export function settingChanges(
  config: EngineConfig | undefined,
  agents: readonly string[],
  key: SettingKey,
  fromLog: number | null,
  suggest: (current: number) => unknown,
): ConfigChange[] {
  if (config === undefined) {
    const fallback = read(DEFAULT_SETTINGS, key) as number;
    const current = fromLog ?? fallback;
    return [
      {
        path: `fallback.${key.join(".")}`,
        current,
        suggested: suggest(current),
        currentFrom: fromLog === null ? "default" : "log",
      },
    ];
  }
  const byPath = new Map<string, ConfigChange>();
  for (const agent of agents.length === 0 ? ["default"] : agents) {
    const { path, value } = settingLocation(config, agent, key);
    if (!byPath.has(path))
      byPath.set(path, {
        path,
        current: value,
        suggested: typeof value === "number" ? suggest(value) : value,
        currentFrom: "config",
      });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every place the config names `model` (for "check this id" actions). */
export function modelLocations(config: EngineConfig, model: string): string[] {
  const paths: string[] = [];
  if (config.model === model) paths.push("model");
  for (const [agent, settings] of Object.entries(config.agent).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (settings.model === model) paths.push(`${keyPath("agent", agent)}.model`);
    settings.models?.forEach((m, i) => {
      if (m === model) paths.push(`${keyPath("agent", agent)}.models[${i}]`);
    });
  }
  for (const [key, chain] of Object.entries(config.chains).sort(([a], [b]) => (a < b ? -1 : 1)))
    chain.forEach((m, i) => {
      if (m === model) paths.push(`${keyPath("fallback.chains", key)}[${i}]`);
    });
  return paths;
}

/** The settings that govern `agent`, defaults when there is no config. */
export function settingsOf(config: EngineConfig | undefined, agent: string): FallbackSettings {
  return config === undefined ? DEFAULT_SETTINGS : settingsFor(config, agent);
}
