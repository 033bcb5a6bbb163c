import type { OracleSettings } from "./config-types.ts";

/**
 * SPEC §2's defaults table, copied from the spec by hand (not from `src/`): a default that drifts in the
 * engine then shows up as a disagreement in config-reading.agreement tests instead of being judged by
 * the same wrong number. Durations are milliseconds.
 */
export const ORACLE_DEFAULTS: OracleSettings = {
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

/**
 * Every leaf setting of SPEC §2's `fallback` table, as a dotted path under `fallback` (`chains` and
 * `actions` are maps, listed once). The config-coverage test requires a shipped scenario to vary each.
 */
export const SPEC_SETTING_PATHS: readonly string[] = [
  "enabled",
  "chains",
  "max_retries",
  "circuit_breaker.enabled",
  "circuit_breaker.failure_threshold",
  "circuit_breaker.window_ms",
  "circuit_breaker.cooldown_ms",
  "circuit_breaker.half_open_probes",
  "circuit_breaker.success_threshold",
  "audit_log",
  "backoff.network.base_ms",
  "backoff.network.factor",
  "backoff.network.max_ms",
  "backoff.network.jitter",
  "backoff.rate_limit.base_ms",
  "backoff.rate_limit.factor",
  "backoff.rate_limit.max_ms",
  "backoff.rate_limit.jitter",
  "retry_after_cap_ms",
  "deadline_ms",
  "on_all_open",
  "promote_on_success",
  "sticky_ms",
  "mid_stream",
  "ttft_timeout_ms",
  "stall_timeout_ms",
  "actions",
];
