/**
 * The zod schemas of the fallback keys of an `opencode.json` (SPEC §2).
 *
 * Every schema carries its own `error`, written as the "expected …" half of a problem, so zod's generic
 * texts never reach a user: `parseConfig` renders each issue as "expected <that text>, received <value>".
 * Objects the engine owns are strict (an unknown key is a typo worth reporting); objects it shares with
 * OpenCode (the root, each agent) are loose, because their other keys belong to OpenCode.
 */
import * as z from "zod";
import { isModelId, type ModelId } from "../core/model-id.ts";
import { ERROR_TYPES, type Action } from "../classify/taxonomy.ts";

/** What a model id must look like, as the "expected" half of a problem. */
export const EXPECTED_MODEL_ID = 'a model id of the form "provider/model"';

const ACTIONS = ["retry", "fallback", "compact", "fail"] as const satisfies readonly Action[];

/** `"a" or "b"`, `one of "a", "b" or "c"`: how an enum is named in a problem. */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  const last = quoted.pop() ?? "";
  if (quoted.length === 0) return last;
  return quoted.length === 1 ? `${quoted.join("")} or ${last}` : `one of ${quoted.join(", ")} or ${last}`;
}

const bool = z.boolean({ error: "true or false" });

/** An integer of at least `min`; the zod number schema rejects NaN and ±Infinity on its own. */
function integer(min: number, expected: string) {
  return z.number({ error: expected }).int({ error: expected }).min(min, { error: expected });
}

const count0 = integer(0, "a non-negative integer");
const count1 = integer(1, "an integer of at least 1");
const millis = integer(0, "a non-negative integer of milliseconds");
const positiveMillis = integer(1, "a positive integer of milliseconds");

const modelId = z.custom<ModelId>((value) => isModelId(value), { error: EXPECTED_MODEL_ID });
const modelList = z.array(modelId, { error: "a non-empty array of model ids" }).min(1, {
  error: "a non-empty array of model ids",
});

/** `fallback.backoff.network` / `fallback.backoff.rate_limit` (SPEC §4). */
export const backoffPolicySchema = z.strictObject(
  {
    base_ms: millis.exactOptional(),
    factor: z
      .number({ error: "a number of at least 1" })
      .min(1, { error: "a number of at least 1" })
      .exactOptional(),
    // `max_ms ≥ base_ms` spans two objects when an agent overrides one of them, so parse-config checks it.
    max_ms: millis.exactOptional(),
    jitter: z
      .number({ error: "a number between 0 and 1" })
      .min(0, { error: "a number between 0 and 1" })
      .max(1, { error: "a number between 0 and 1" })
      .exactOptional(),
  },
  { error: "an object with base_ms, factor, max_ms and jitter" },
);

/** `fallback.backoff`. */
export const backoffSchema = z.strictObject(
  { network: backoffPolicySchema.exactOptional(), rate_limit: backoffPolicySchema.exactOptional() },
  { error: "an object with network and rate_limit backoff policies" },
);

/** `fallback.circuit_breaker` (SPEC §7). */
export const breakerSchema = z.strictObject(
  {
    enabled: bool.exactOptional(),
    failure_threshold: count1.exactOptional(),
    window_ms: millis.exactOptional(),
    cooldown_ms: millis.exactOptional(),
    half_open_probes: count1.exactOptional(),
    success_threshold: count1.exactOptional(),
  },
  { error: "an object of circuit-breaker settings" },
);

const actionsSchema = z.partialRecord(z.enum(ERROR_TYPES), z.enum(ACTIONS, { error: oneOf(ACTIONS) }), {
  error: "an object mapping an error type to an action",
});

/** The settings an agent may override; `chains` is deliberately absent (chains are global). */
const settingsShape = {
  enabled: bool.exactOptional(),
  max_retries: count0.exactOptional(),
  circuit_breaker: breakerSchema.exactOptional(),
  audit_log: z
    .union(
      [
        bool,
        z
          .string({ error: "true, false or a non-empty file path" })
          .min(1, { error: "true, false or a non-empty file path" }),
      ],
      {
        error: "true, false or a non-empty file path",
      },
    )
    .exactOptional(),
  backoff: backoffSchema.exactOptional(),
  retry_after_cap_ms: millis.exactOptional(),
  deadline_ms: positiveMillis.exactOptional(),
  on_all_open: z
    .enum(["probe_soonest", "bypass", "fail_fast"], {
      error: oneOf(["probe_soonest", "bypass", "fail_fast"]),
    })
    .exactOptional(),
  promote_on_success: bool.exactOptional(),
  sticky_ms: millis.exactOptional(),
  mid_stream: z.enum(["restart", "fail"], { error: oneOf(["restart", "fail"]) }).exactOptional(),
  ttft_timeout_ms: positiveMillis.exactOptional(),
  stall_timeout_ms: positiveMillis.exactOptional(),
  actions: actionsSchema.exactOptional(),
};

/** `agent.<a>.fallback`: every setting optional, no `chains`. */
export const agentFallbackSchema = z.strictObject(settingsShape, { error: "an object of fallback settings" });

/** The global `fallback` block: the settings plus `chains`. */
export const globalFallbackSchema = z.strictObject(
  {
    chains: z
      .record(z.string(), modelList, { error: "an object mapping a chain name to an array of model ids" })
      .exactOptional(),
    ...settingsShape,
  },
  { error: "an object of fallback settings" },
);

/** `agent.<a>`: only `model`, `models` and `fallback` are ours; OpenCode owns the rest. */
export const agentSchema = z.looseObject(
  {
    model: modelId.exactOptional(),
    models: modelList.exactOptional(),
    fallback: agentFallbackSchema.exactOptional(),
  },
  { error: "an object of agent settings" },
);

/** The whole file: only `model`, `agent` and `fallback` are ours. */
export const configSchema = z.looseObject(
  {
    model: modelId.exactOptional(),
    agent: z
      .record(z.string(), agentSchema, { error: "an object mapping agent names to agent settings" })
      .exactOptional(),
    fallback: globalFallbackSchema.exactOptional(),
  },
  { error: "a JSON object" },
);

/** What the configuration looks like after zod, before defaults are filled in. */
export type RawEngineConfig = z.output<typeof configSchema>;

/** The keys a strict object accepts, and what a key there names (for "unknown <noun>" messages). */
export interface KnownKeys {
  readonly keys: readonly string[];
  readonly noun: "key" | "error type";
}

/**
 * The keys allowed in the strict object at `path` (a path into the raw config), or undefined when the
 * object there is not one of ours. Used to suggest the closest key for a typo.
 */
export function knownKeysAt(path: readonly (string | number)[]): KnownKeys | undefined {
  const inAgent = path[0] === "agent" && path.length >= 3 && path[2] === "fallback";
  const rest = inAgent ? path.slice(3) : path[0] === "fallback" ? path.slice(1) : undefined;
  if (rest === undefined) return undefined;
  const [first, second, third] = rest;
  if (first === undefined) {
    return {
      keys: Object.keys(inAgent ? agentFallbackSchema.shape : globalFallbackSchema.shape),
      noun: "key",
    };
  }
  if (first === "circuit_breaker" && second === undefined)
    return { keys: Object.keys(breakerSchema.shape), noun: "key" };
  if (first === "actions" && second === undefined) return { keys: ERROR_TYPES, noun: "error type" };
  if (first === "backoff" && second === undefined)
    return { keys: Object.keys(backoffSchema.shape), noun: "key" };
  if (first === "backoff" && third === undefined && (second === "network" || second === "rate_limit")) {
    return { keys: Object.keys(backoffPolicySchema.shape), noun: "key" };
  }
  return undefined;
}
