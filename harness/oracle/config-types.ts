import type { OracleAction, OracleErrorType } from "./action-table.ts";

/** One backoff family as the judge reads it (SPEC §2 `fallback.backoff.*`, §4). */
export interface OracleBackoffPolicy {
  readonly base_ms: number;
  readonly factor: number;
  readonly max_ms: number;
  /** Fraction of the delay drawn in ±jitter (0.2 = ±20 %). */
  readonly jitter: number;
}

/** `fallback.circuit_breaker` as the judge reads it (SPEC §2, §7). */
export interface OracleBreakerSettings {
  readonly enabled: boolean;
  readonly failure_threshold: number;
  readonly window_ms: number;
  readonly cooldown_ms: number;
  readonly half_open_probes: number;
  readonly success_threshold: number;
}

/** What to do when every model's circuit is open (SPEC §6). */
export type OracleOnAllOpen = "probe_soonest" | "bypass" | "fail_fast";

/** The complete `fallback` block governing one agent's requests, every default filled in (SPEC §2). */
export interface OracleSettings {
  readonly enabled: boolean;
  readonly max_retries: number;
  readonly circuit_breaker: OracleBreakerSettings;
  /** `true` = the default XDG path, `false` = off, a string = that file. */
  readonly audit_log: boolean | string;
  readonly backoff: { readonly network: OracleBackoffPolicy; readonly rate_limit: OracleBackoffPolicy };
  readonly retry_after_cap_ms: number;
  readonly deadline_ms: number;
  readonly on_all_open: OracleOnAllOpen;
  readonly promote_on_success: boolean;
  readonly sticky_ms: number;
  readonly mid_stream: "restart" | "fail";
  readonly ttft_timeout_ms: number;
  readonly stall_timeout_ms: number;
  /** Overrides of the default action per error type. */
  readonly actions: Readonly<Partial<Record<OracleErrorType, OracleAction>>>;
}

/** `agent.<a>.fallback` as written: every field optional, nested blocks field by field. */
export type OracleOverrides = {
  readonly [K in keyof OracleSettings]?: K extends "circuit_breaker"
    ? Partial<OracleBreakerSettings>
    : K extends "backoff"
      ? {
          readonly network?: Partial<OracleBackoffPolicy>;
          readonly rate_limit?: Partial<OracleBackoffPolicy>;
        }
      : OracleSettings[K];
};

/** One agent's fallback-relevant keys (OpenCode's other agent keys are not the judge's business). */
export interface OracleAgent {
  readonly model?: string;
  readonly models?: readonly string[];
  readonly fallback?: OracleOverrides;
}

/**
 * The judge's reading of an `opencode.json`: the global settings with SPEC §2's defaults filled in, the
 * agents as written (their overrides are merged per request by `oracleSettingsFor`), and the chains.
 * Structurally a supertype of the engine's parsed config, so a caller holding either can hand it over.
 */
export interface OracleConfig {
  readonly model?: string;
  readonly agent: Readonly<Record<string, OracleAgent>>;
  readonly fallback: OracleSettings;
  /** `fallback.chains`: keyed by agent name, by primary model id, or `default`. */
  readonly chains: Readonly<Record<string, readonly string[]>>;
}
