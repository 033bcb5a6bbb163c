import type * as z from "zod";
import { DEFAULT_SETTINGS, type AgentConfig, type BackoffPolicy, type EngineConfig } from "./settings.ts";
import { configSchema, knownKeysAt, type RawEngineConfig } from "./schema.ts";
import { didYouMean } from "./did-you-mean.ts";
import { mergeSettings } from "./settings-for.ts";

/** One thing wrong with a configuration, located by its JSON path (and, from a file, its line and column). */
export interface ConfigProblem {
  readonly path: readonly (string | number)[];
  /** The path as a user writes it: `fallback.circuit_breaker.failure_threshold`, `agent.build.models[1]`, `""` for the root. */
  readonly pointer: string;
  /** One sentence a user can act on. */
  readonly message: string;
  readonly expected: string;
  /** A short printable rendering of the bad value: `-5`, `"openai"`, `an array of 2 items`. */
  readonly received: string;
  /** The closest known key, for an unknown one. */
  readonly suggestion?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The validated configuration, or every problem found in it. */
export type ParseConfigResult =
  | { readonly ok: true; readonly config: EngineConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * A problem and the part of its JSON node it is about: an unknown key is about the key, everything else
 * about the value. A file loader uses it to point at the right line and column.
 */
export interface TargetedProblem {
  readonly problem: ConfigProblem;
  readonly target: "key" | "value";
}

/** `parseConfig`'s result with each problem's target kept, for loaders that know where nodes are. */
export type CheckedConfig =
  | { readonly ok: true; readonly config: EngineConfig }
  | { readonly ok: false; readonly problems: readonly TargetedProblem[] };

type Path = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `["agent", "build", "models", 1]` → `agent.build.models[1]`; keys such as model ids are bracket-quoted. */
export function pointerOf(path: Path): string {
  let pointer = "";
  for (const segment of path) {
    if (typeof segment === "number") pointer += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) pointer += pointer === "" ? segment : `.${segment}`;
    else pointer += `[${JSON.stringify(segment)}]`;
  }
  return pointer;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === "number") node = node[segment];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

const MAX_RENDERED = 40;

/** A value as a problem shows it: scalars literally (long strings cut), containers by their shape. */
function render(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > MAX_RENDERED ? `${value.slice(0, MAX_RENDERED - 1)}…` : value);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) {
    return value.length === 0 ? "[]" : `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  if (isRecord(value)) return Object.keys(value).length === 0 ? "{}" : "an object";
  return `a ${typeof value}`;
}

function valueProblem(path: Path, expected: string, received: string, message?: string): TargetedProblem {
  return {
    target: "value",
    problem: {
      path,
      pointer: pointerOf(path),
      message: message ?? `expected ${expected}, received ${received}`,
      expected,
      received,
    },
  };
}

function unknownKeyProblem(objectPath: Path, key: string): TargetedProblem {
  const path = [...objectPath, key];
  const [root, agent] = objectPath;
  if (key === "chains" && root === "agent" && typeof agent === "string" && objectPath.length === 3) {
    const models = pointerOf(["agent", agent, "models"]);
    return {
      target: "key",
      problem: {
        path,
        pointer: pointerOf(path),
        message: `chains are global; use ${models}`,
        expected: `no chains here (use ${models} or fallback.chains)`,
        received: JSON.stringify(key),
      },
    };
  }
  const known = knownKeysAt(objectPath);
  const noun = known?.noun ?? "key";
  const keys = known?.keys ?? [];
  const suggestion = didYouMean(key, keys);
  const message =
    suggestion !== undefined
      ? `unknown ${noun} ${JSON.stringify(key)}; did you mean ${JSON.stringify(suggestion)}?`
      : `unknown ${noun} ${JSON.stringify(key)}; remove it or use one of ${keys.join(", ")}`;
  return {
    target: "key",
    problem: {
      path,
      pointer: pointerOf(path),
      message,
      expected: `one of ${keys.join(", ")}`,
      received: JSON.stringify(key),
      ...(suggestion !== undefined ? { suggestion } : {}),
    },
  };
}

/** The one sentence for a model list that is present but empty. */
function emptyListMessage(path: Path): string {
  if (path[0] === "agent")
    return `a model list needs at least one model; add a model id or remove ${pointerOf(path)}`;
  return "a chain needs at least one model; add a model id or remove the chain";
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
}

/** Every schema in schema.ts names its expectation; this only catches an issue one of them forgot. */
function expectedFor(issue: z.core.$ZodRawIssue): string {
  return issue.code === "invalid_type" ? `a value of type ${issue.expected}` : "a valid value";
}

function translate(issue: z.core.$ZodIssue, raw: unknown): TargetedProblem[] {
  const path = toPath(issue.path);
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => unknownKeyProblem(path, key));
  const received = render(valueAt(raw, path));
  if (issue.code === "too_small" && issue.origin === "array") {
    return [valueProblem(path, issue.message, received, emptyListMessage(path))];
  }
  return [valueProblem(path, issue.message, received)];
}

/**
 * Where a path sits in document order: the index of each segment among its parent's keys. Parsed JSON
 * keeps keys in file order, so sorting by this lists problems top to bottom, as a reader scans the file.
 */
function documentOrder(root: unknown, path: Path): number[] {
  const order: number[] = [];
  let node = root;
  for (const segment of path) {
    const keys = Array.isArray(node) ? [] : isRecord(node) ? Object.keys(node) : [];
    const index = typeof segment === "number" ? segment : keys.indexOf(segment);
    order.push(index < 0 ? Number.MAX_SAFE_INTEGER : index);
    node = valueAt(node, [segment]);
  }
  return order;
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** A raw value usable as a backoff bound, or undefined when it is absent or already reported as invalid. */
function boundAt(raw: unknown, path: Path): { readonly own: boolean; readonly value: number | undefined } {
  const value = valueAt(raw, path);
  if (value === undefined) return { own: false, value: undefined };
  return {
    own: true,
    value: Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined,
  };
}

type Bounds = Pick<BackoffPolicy, "base_ms" | "max_ms">;

/**
 * `max_ms ≥ base_ms` for one policy object laid over `inherited`. Checked on the effective values, because
 * an agent that raises only `base_ms` can pass the global `max_ms`. Returns the effective bounds for the
 * agents below, or undefined when a bound is invalid (zod has reported it; one problem per mistake).
 */
function checkBounds(
  raw: unknown,
  policyPath: Path,
  inherited: Bounds | undefined,
  problems: TargetedProblem[],
): Bounds | undefined {
  const base = boundAt(raw, [...policyPath, "base_ms"]);
  const max = boundAt(raw, [...policyPath, "max_ms"]);
  const base_ms = base.own ? base.value : inherited?.base_ms;
  const max_ms = max.own ? max.value : inherited?.max_ms;
  if (base_ms === undefined || max_ms === undefined) return undefined;
  if (max_ms < base_ms && (base.own || max.own)) {
    if (max.own) {
      problems.push(
        valueProblem(
          [...policyPath, "max_ms"],
          `an integer of milliseconds ≥ base_ms (${base_ms})`,
          String(max_ms),
        ),
      );
    } else {
      problems.push(
        valueProblem(
          [...policyPath, "base_ms"],
          `an integer of milliseconds ≤ max_ms (${max_ms})`,
          String(base_ms),
        ),
      );
    }
  }
  return { base_ms, max_ms };
}

function backoffBoundProblems(raw: unknown): TargetedProblem[] {
  const problems: TargetedProblem[] = [];
  const agents = valueAt(raw, ["agent"]);
  for (const family of ["network", "rate_limit"] as const) {
    const global = checkBounds(
      raw,
      ["fallback", "backoff", family],
      DEFAULT_SETTINGS.backoff[family],
      problems,
    );
    if (!isRecord(agents)) continue;
    for (const agent of Object.keys(agents)) {
      checkBounds(raw, ["agent", agent, "fallback", "backoff", family], global, problems);
    }
  }
  return problems;
}

function agentConfig(agent: NonNullable<RawEngineConfig["agent"]>[string]): AgentConfig {
  // The schema is loose, so OpenCode's own agent keys (prompt, tools, …) ride along; keep only ours.
  return {
    ...(agent.model !== undefined ? { model: agent.model } : {}),
    ...(agent.models !== undefined ? { models: agent.models } : {}),
    ...(agent.fallback !== undefined ? { fallback: agent.fallback } : {}),
  };
}

function buildConfig(data: RawEngineConfig): EngineConfig {
  const { chains, ...overrides } = data.fallback ?? {};
  // fromEntries defines own properties, so an agent or chain named "__proto__" stays data.
  return {
    ...(data.model !== undefined ? { model: data.model } : {}),
    agent: Object.fromEntries(
      Object.entries(data.agent ?? {}).map(([name, agent]) => [name, agentConfig(agent)]),
    ),
    fallback: mergeSettings(DEFAULT_SETTINGS, overrides),
    chains: Object.fromEntries(Object.entries(chains ?? {})),
  };
}

/** `parseConfig`, keeping whether each problem is about a key or a value. Never throws. */
export function checkConfig(raw: unknown): CheckedConfig {
  try {
    const parsed = configSchema.safeParse(raw, { error: expectedFor });
    const problems = [
      ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => translate(issue, raw))),
      ...backoffBoundProblems(raw),
    ];
    if (problems.length > 0 || !parsed.success) {
      const ordered = problems.map((targeted) => ({
        targeted,
        order: documentOrder(raw, targeted.problem.path),
      }));
      ordered.sort((a, b) => compareOrder(a.order, b.order));
      return { ok: false, problems: ordered.map(({ targeted }) => targeted) };
    }
    return { ok: true, config: buildConfig(parsed.data) };
  } catch (error) {
    // Only exotic inputs get here (a getter or proxy that throws); JSON data never does.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [
        valueProblem(
          [],
          "plain JSON data",
          "a value that could not be read",
          `could not read the configuration (${reason}); pass plain JSON data`,
        ),
      ],
    };
  }
}

/**
 * Validates the fallback keys of a parsed `opencode.json` (SPEC §2) and fills in every default. Reports
 * every problem at once, each with its path, what was expected and what was found. Never throws.
 */
export function parseConfig(raw: unknown): ParseConfigResult {
  const checked = checkConfig(raw);
  return checked.ok ? checked : { ok: false, problems: checked.problems.map(({ problem }) => problem) };
}
