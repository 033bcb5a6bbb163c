import {
  AGENT_FALLBACK_RULE,
  GLOBAL_FALLBACK_RULE,
  ORACLE_ACTIONS,
  ORACLE_ERROR_TYPES,
  type ConfigRule,
} from "./config-rules.ts";
import { ORACLE_DEFAULTS } from "./config-defaults.ts";
import { closestKey, pointerTo, type OracleConfigProblem } from "./config-problems.ts";
import { isModelIdShape } from "./model-id-shape.ts";

type Path = readonly (string | number)[];

const MODEL_ID = 'a model id of the form "provider/model"';

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short printable rendering of a bad value: `-5`, `"openai"`, `an array of 2 items`. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `an array of ${value.length} item(s)`;
  return isRecord(value) ? "an object" : `a ${typeof value}`;
}

/** Collects problems while the validator walks the raw config. */
class Problems {
  readonly list: OracleConfigProblem[] = [];

  expected(path: Path, expected: string, value: unknown): void {
    this.list.push({
      path,
      pointer: pointerTo(path),
      message: `expected ${expected}, received ${shown(value)}`,
    });
  }

  unknownKey(objectPath: Path, key: string, known: readonly string[], noun: string): void {
    const path = [...objectPath, key];
    const suggestion = closestKey(key, known);
    const message =
      suggestion === undefined
        ? `unknown ${noun} ${JSON.stringify(key)}; remove it or use one of ${known.join(", ")}`
        : `unknown ${noun} ${JSON.stringify(key)}; did you mean ${JSON.stringify(suggestion)}?`;
    this.list.push({
      path,
      pointer: pointerTo(path),
      message,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
}

function modelList(value: unknown, path: Path, problems: Problems): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.expected(path, "a non-empty array of model ids", value);
    return;
  }
  value.forEach((item, index) => {
    if (!isModelIdShape(item)) problems.expected([...path, index], MODEL_ID, item);
  });
}

/** Checks `value` against `rule`, reporting every problem (not only the first) with its path. */
function check(value: unknown, rule: ConfigRule, path: Path, problems: Problems): void {
  switch (rule.kind) {
    case "bool":
      if (typeof value !== "boolean") problems.expected(path, "true or false", value);
      return;
    case "int":
      if (!Number.isSafeInteger(value) || (value as number) < rule.min)
        problems.expected(path, rule.expected, value);
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value) || value < rule.min || value > rule.max)
        problems.expected(path, rule.expected, value);
      return;
    case "enum":
      if (typeof value !== "string" || !rule.values.includes(value))
        problems.expected(path, `one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`, value);
      return;
    case "audit_log":
      if (typeof value !== "boolean" && (typeof value !== "string" || value === ""))
        problems.expected(path, "true, false or a non-empty file path", value);
      return;
    case "chains":
      if (!isRecord(value))
        problems.expected(path, "an object mapping a chain name to an array of model ids", value);
      else for (const [name, list] of Object.entries(value)) modelList(list, [...path, name], problems);
      return;
    case "actions":
      if (!isRecord(value)) {
        problems.expected(path, "an object mapping an error type to an action", value);
        return;
      }
      for (const [type, action] of Object.entries(value)) {
        if (!ORACLE_ERROR_TYPES.includes(type))
          problems.unknownKey(path, type, ORACLE_ERROR_TYPES, "error type");
        else if (!ORACLE_ACTIONS.includes(action as never))
          problems.expected([...path, type], `one of ${ORACLE_ACTIONS.join(", ")}`, action);
      }
      return;
    case "object": {
      if (!isRecord(value)) {
        problems.expected(path, rule.expected, value);
        return;
      }
      const known = Object.keys(rule.fields);
      for (const [key, field] of Object.entries(value)) {
        const fieldRule = Object.hasOwn(rule.fields, key) ? rule.fields[key] : undefined;
        if (fieldRule === undefined) problems.unknownKey(path, key, known, "key");
        else check(field, fieldRule, [...path, key], problems);
      }
      return;
    }
    default: {
      const never: never = rule;
      throw new Error(`Failed to validate: unhandled rule ${JSON.stringify(never)}.`);
    }
  }
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path)
    node = isRecord(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
  return node;
}

function ownBound(raw: unknown, path: Path): number | undefined {
  const value = valueAt(raw, path);
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/**
 * SPEC §4 caps a backoff at `max_ms`, so `max_ms < base_ms` is a mistake. It is judged on effective values
 * (an agent that raises only `base_ms` can pass the global `max_ms`) and reported at the key that was set.
 */
function backoffBounds(raw: unknown, problems: Problems): void {
  const agents = valueAt(raw, ["agent"]);
  for (const family of ["network", "rate_limit"] as const) {
    const check = (path: Path, inherited: { base: number; max: number } | undefined) => {
      const baseSet = valueAt(raw, [...path, "base_ms"]) !== undefined;
      const maxSet = valueAt(raw, [...path, "max_ms"]) !== undefined;
      const base = baseSet ? ownBound(raw, [...path, "base_ms"]) : inherited?.base;
      const max = maxSet ? ownBound(raw, [...path, "max_ms"]) : inherited?.max;
      if (base === undefined || max === undefined) return undefined;
      if (max < base && maxSet)
        problems.expected([...path, "max_ms"], `an integer of milliseconds ≥ base_ms (${base})`, max);
      else if (max < base && baseSet)
        problems.expected([...path, "base_ms"], `an integer of milliseconds ≤ max_ms (${max})`, base);
      return { base, max };
    };
    const defaults = ORACLE_DEFAULTS.backoff[family];
    const global = check(["fallback", "backoff", family], { base: defaults.base_ms, max: defaults.max_ms });
    if (isRecord(agents))
      for (const agent of Object.keys(agents)) check(["agent", agent, "fallback", "backoff", family], global);
  }
}

function agentProblems(name: string, agent: unknown, problems: Problems): void {
  const path = ["agent", name];
  if (!isRecord(agent)) {
    problems.expected(path, "an object of agent settings", agent);
    return;
  }
  // The agent object is shared with OpenCode: only model, models and fallback are the engine's keys.
  if (Object.hasOwn(agent, "model") && !isModelIdShape(agent["model"]))
    problems.expected([...path, "model"], MODEL_ID, agent["model"]);
  if (Object.hasOwn(agent, "models")) modelList(agent["models"], [...path, "models"], problems);
  if (Object.hasOwn(agent, "fallback")) {
    const fallback = agent["fallback"];
    if (isRecord(fallback) && Object.hasOwn(fallback, "chains")) {
      const models = pointerTo([...path, "models"]);
      problems.list.push({
        path: [...path, "fallback", "chains"],
        pointer: pointerTo([...path, "fallback", "chains"]),
        message: `chains are global; use ${models}`,
      });
      const { chains: _chains, ...rest } = fallback;
      check(rest, AGENT_FALLBACK_RULE, [...path, "fallback"], problems);
    } else check(fallback, AGENT_FALLBACK_RULE, [...path, "fallback"], problems);
  }
}

/**
 * Every problem in the fallback keys of a parsed `opencode.json` (SPEC §2: "validation reports every
 * problem at once, each with its JSON path"). Keys the engine does not own are not looked at.
 */
export function configProblems(raw: unknown): OracleConfigProblem[] {
  const problems = new Problems();
  if (!isRecord(raw)) {
    problems.expected([], "a JSON object", raw);
    return problems.list;
  }
  if (Object.hasOwn(raw, "model") && !isModelIdShape(raw["model"]))
    problems.expected(["model"], MODEL_ID, raw["model"]);
  if (Object.hasOwn(raw, "agent")) {
    const agents = raw["agent"];
    if (!isRecord(agents))
      problems.expected(["agent"], "an object mapping agent names to agent settings", agents);
    else for (const [name, agent] of Object.entries(agents)) agentProblems(name, agent, problems);
  }
  if (Object.hasOwn(raw, "fallback")) check(raw["fallback"], GLOBAL_FALLBACK_RULE, ["fallback"], problems);
  backoffBounds(raw, problems);
  return problems.list;
}
