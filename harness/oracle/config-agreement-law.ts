import { oracleSettingsFor } from "./config-merge.ts";
import type { ConfigReading } from "./config-reading.ts";
import type { OracleConfig, OracleSettings } from "./config-types.ts";

/**
 * What the engine's reading of a config gives, in the oracle's terms: whether it accepted it, the JSON paths
 * it objected to, and its parsed config with its own `settingsFor`. The agreement tests fill it from `src/`;
 * this module stays free of `src/` so the oracle never depends on it.
 */
export type EngineReading =
  | {
      readonly ok: true;
      readonly config: OracleConfig;
      readonly settingsFor: (agent: string) => OracleSettings;
    }
  | { readonly ok: false; readonly pointers: readonly string[] };

/** The agents whose effective settings are compared: every configured one, chain keys, and one nobody named. */
function agentsToCompare(config: OracleConfig): string[] {
  return [
    ...new Set([...Object.keys(config.agent), ...Object.keys(config.chains), "build", "__no_such_agent__"]),
  ];
}

/** A plain-data copy, so deep equality ignores prototypes and key order of frozen or spread objects. */
function data(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Law: the oracle's reading and the engine's reading of one config agree — same verdict, same problem paths
 * for a rejected config, and for an accepted one the same global settings, chains, primaries, agent lists
 * and, per agent, the same effective settings after the §5 field-by-field merge. Returns each disagreement
 * as a sentence (empty when they agree), so a drifted default names its key.
 */
export function configDisagreements(oracle: ConfigReading, engine: EngineReading): string[] {
  if (oracle.ok !== engine.ok) {
    const said = oracle.ok
      ? "accepts"
      : `rejects (${oracle.problems.map((p) => `${p.pointer}: ${p.message}`).join("; ")})`;
    const engineSaid = engine.ok ? "accepts" : `rejects (${engine.pointers.join(", ")})`;
    return [`the oracle ${said} the config but the engine ${engineSaid} it`];
  }
  if (!oracle.ok || !engine.ok) {
    const mine = [...new Set(oracle.ok ? [] : oracle.problems.map((p) => p.pointer))].sort();
    const theirs = [...new Set(engine.ok ? [] : engine.pointers)].sort();
    return JSON.stringify(mine) === JSON.stringify(theirs)
      ? []
      : [`problem paths differ: oracle [${mine.join(", ")}], engine [${theirs.join(", ")}]`];
  }
  const out: string[] = [];
  const compare = (what: string, mine: unknown, theirs: unknown): void => {
    out.push(...leafDifferences(what, sorted(data(mine)), sorted(data(theirs))));
  };
  compare("model", oracle.config.model, engine.config.model);
  compare("chains", oracle.config.chains, engine.config.chains);
  compare("fallback (global, defaults filled)", oracle.config.fallback, engine.config.fallback);
  compare("agents", Object.keys(oracle.config.agent).sort(), Object.keys(engine.config.agent).sort());
  for (const agent of agentsToCompare(oracle.config)) {
    const mine = Object.hasOwn(oracle.config.agent, agent) ? oracle.config.agent[agent] : undefined;
    const theirs = Object.hasOwn(engine.config.agent, agent) ? engine.config.agent[agent] : undefined;
    compare(`agent.${agent}.model`, mine?.model, theirs?.model);
    compare(`agent.${agent}.models`, mine?.models, theirs?.models);
    compare(`settings of agent ${agent}`, oracleSettingsFor(oracle.config, agent), engine.settingsFor(agent));
  }
  return out;
}

/** Settings with keys in a fixed order at every level, so the comparison is about values only. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => [key, sorted(entry)]),
  );
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Each leaf where two values differ, as `where.key: oracle X, engine Y`, so a drifted default names its key. */
function leafDifferences(where: string, mine: unknown, theirs: unknown): string[] {
  if (isPlainObject(mine) && isPlainObject(theirs)) {
    const keys = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])];
    return keys.flatMap((key) => leafDifferences(`${where}.${key}`, mine[key] ?? null, theirs[key] ?? null));
  }
  const a = JSON.stringify(mine);
  const b = JSON.stringify(theirs);
  return a === b ? [] : [`${where}: oracle ${a}, engine ${b}`];
}
