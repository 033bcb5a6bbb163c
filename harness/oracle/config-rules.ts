import { ORACLE_ACTION_TABLE, type OracleAction } from "./action-table.ts";

/** What one config key must hold (SPEC §2's type column), as data the validator walks. */
export type ConfigRule =
  | { readonly kind: "bool" }
  | { readonly kind: "int"; readonly min: number; readonly expected: string }
  | { readonly kind: "number"; readonly min: number; readonly max: number; readonly expected: string }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "audit_log" }
  | { readonly kind: "chains" }
  | { readonly kind: "actions" }
  | {
      readonly kind: "object";
      readonly fields: Readonly<Record<string, ConfigRule>>;
      readonly expected: string;
    };

const bool: ConfigRule = { kind: "bool" };
const count0: ConfigRule = { kind: "int", min: 0, expected: "a non-negative integer" };
const count1: ConfigRule = { kind: "int", min: 1, expected: "an integer of at least 1" };
const millis: ConfigRule = { kind: "int", min: 0, expected: "a non-negative integer of milliseconds" };
const positiveMillis: ConfigRule = { kind: "int", min: 1, expected: "a positive integer of milliseconds" };

const backoffPolicy: ConfigRule = {
  kind: "object",
  expected: "an object with base_ms, factor, max_ms and jitter",
  fields: {
    base_ms: millis,
    factor: { kind: "number", min: 1, max: Number.POSITIVE_INFINITY, expected: "a number of at least 1" },
    max_ms: millis,
    jitter: { kind: "number", min: 0, max: 1, expected: "a number between 0 and 1" },
  },
};

/** The settings both `fallback` and `agent.<a>.fallback` accept; integer bounds as SPEC §2 and §7 state them. */
const SETTINGS: Readonly<Record<string, ConfigRule>> = {
  enabled: bool,
  max_retries: count0,
  circuit_breaker: {
    kind: "object",
    expected: "an object of circuit-breaker settings",
    fields: {
      enabled: bool,
      failure_threshold: count1,
      window_ms: millis,
      cooldown_ms: millis,
      half_open_probes: count1,
      success_threshold: count1,
    },
  },
  audit_log: { kind: "audit_log" },
  backoff: {
    kind: "object",
    expected: "an object with network and rate_limit backoff policies",
    fields: { network: backoffPolicy, rate_limit: backoffPolicy },
  },
  retry_after_cap_ms: millis,
  // A zero deadline or timeout would end every request before its first byte: at least 1 ms.
  deadline_ms: positiveMillis,
  on_all_open: { kind: "enum", values: ["probe_soonest", "bypass", "fail_fast"] },
  promote_on_success: bool,
  sticky_ms: millis,
  mid_stream: { kind: "enum", values: ["restart", "fail"] },
  ttft_timeout_ms: positiveMillis,
  stall_timeout_ms: positiveMillis,
  actions: { kind: "actions" },
};

/** `agent.<a>.fallback`: the settings without `chains` (chains are global, SPEC §2). */
export const AGENT_FALLBACK_RULE: ConfigRule = {
  kind: "object",
  expected: "an object of fallback settings",
  fields: SETTINGS,
};

/** The global `fallback` block: `chains` plus the settings. */
export const GLOBAL_FALLBACK_RULE: ConfigRule = {
  kind: "object",
  expected: "an object of fallback settings",
  fields: { chains: { kind: "chains" }, ...SETTINGS },
};

/** The actions SPEC §4 defines, for `fallback.actions` values. */
export const ORACLE_ACTIONS: readonly OracleAction[] = ["retry", "fallback", "compact", "fail"];

/** The six error types of SPEC §3 in the spec's order, for `fallback.actions` keys. */
export const ORACLE_ERROR_TYPES: readonly string[] = [
  ...new Set(Object.values(ORACLE_ACTION_TABLE).map((row) => row.type)),
];
