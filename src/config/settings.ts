import type { ModelId } from "../core/model-id.ts";
import type { Action, ErrorType } from "../classify/taxonomy.ts";

/** Exponential backoff for one family of retryable failures (SPEC §4). */
export interface BackoffPolicy {
  readonly base_ms: number;
  readonly factor: number;
  readonly max_ms: number;
  /** Fraction of the delay drawn uniformly in ±jitter, e.g. 0.2 = ±20 %. */
  readonly jitter: number;
}

/** Circuit-breaker settings (SPEC §7). */
export interface BreakerSettings {
  readonly enabled: boolean;
  readonly failure_threshold: number;
  readonly window_ms: number;
  readonly cooldown_ms: number;
  readonly half_open_probes: number;
  readonly success_threshold: number;
}

/** What to do when every model's circuit is open (SPEC §6). */
export type OnAllOpen = "probe_soonest" | "bypass" | "fail_fast";

/** The complete, defaulted `fallback` block that governs one agent's requests (SPEC §2). */
export interface FallbackSettings {
  readonly enabled: boolean;
  readonly max_retries: number;
  readonly circuit_breaker: BreakerSettings;
  /** `true` = the default XDG path, `false` = off, a string = that file. */
  readonly audit_log: boolean | string;
  readonly backoff: { readonly network: BackoffPolicy; readonly rate_limit: BackoffPolicy };
  readonly retry_after_cap_ms: number;
  readonly deadline_ms: number;
  readonly on_all_open: OnAllOpen;
  readonly promote_on_success: boolean;
  readonly sticky_ms: number;
  readonly mid_stream: "restart" | "fail";
  readonly ttft_timeout_ms: number;
  readonly stall_timeout_ms: number;
  /** Overrides of the default action per error type. */
  readonly actions: Readonly<Partial<Record<ErrorType, Action>>>;
}

/** The settings as written under `agent.<a>.fallback`: every field optional, nested blocks too. */
export type FallbackOverrides = {
  readonly [K in keyof FallbackSettings]?: K extends "circuit_breaker"
    ? Partial<BreakerSettings>
    : K extends "backoff"
      ? { readonly network?: Partial<BackoffPolicy>; readonly rate_limit?: Partial<BackoffPolicy> }
      : FallbackSettings[K];
};

/** One agent's fallback-relevant keys. */
export interface AgentConfig {
  readonly model?: ModelId;
  readonly models?: readonly ModelId[];
  readonly fallback?: FallbackOverrides;
}

/** The validated fallback view of an `opencode.json` (keys the engine does not own are dropped). */
export interface EngineConfig {
  readonly model?: ModelId;
  readonly agent: Readonly<Record<string, AgentConfig>>;
  /** Global settings with every default filled in. */
  readonly fallback: FallbackSettings;
  /** `fallback.chains`: keyed by agent name, by primary model id, or `default`. */
  readonly chains: Readonly<Record<string, readonly ModelId[]>>;
}

/** SPEC §2 defaults. */
export const DEFAULT_SETTINGS: FallbackSettings = {
  enabled: true,
  max_retries: 3,
  circuit_breaker: {
    enabled: true,
    failure_threshold: 3,
    window_ms: 3_600_000,
    cooldown_ms: 3_600_000,
    half_open_probes: 1,
    success_threshold: 1,
  },
  audit_log: true,
  backoff: {
    network: { base_ms: 1000, factor: 2, max_ms: 30_000, jitter: 0.2 },
    rate_limit: { base_ms: 2000, factor: 2, max_ms: 60_000, jitter: 0.25 },
  },
  retry_after_cap_ms: 60_000,
  deadline_ms: 600_000,
  on_all_open: "probe_soonest",
  promote_on_success: true,
  sticky_ms: 900_000,
  mid_stream: "restart",
  ttft_timeout_ms: 60_000,
  stall_timeout_ms: 30_000,
  actions: {},
};
