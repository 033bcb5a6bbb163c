import type { OracleConfig, OracleOverrides, OracleSettings } from "./config-types.ts";

/** The entries of `value` that are set: a hand-built `{ cooldown_ms: undefined }` must not erase a value. */
function given<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * SPEC §2/§5: "agent-level `fallback` settings override global ones field by field". A nested block
 * (`circuit_breaker`, each backoff family, `actions`) is overridden per field too, so an agent that sets
 * only `circuit_breaker.cooldown_ms` keeps the global threshold.
 */
export function overlaySettings(
  base: OracleSettings,
  overrides: OracleOverrides | undefined,
): OracleSettings {
  if (overrides === undefined) return base;
  const { circuit_breaker, backoff, actions, ...flat } = overrides;
  return {
    ...base,
    ...given(flat),
    circuit_breaker: { ...base.circuit_breaker, ...given(circuit_breaker) },
    backoff: {
      network: { ...base.backoff.network, ...given(backoff?.network) },
      rate_limit: { ...base.backoff.rate_limit, ...given(backoff?.rate_limit) },
    },
    actions: { ...base.actions, ...given(actions) },
  };
}

/** The settings that govern requests by `agent`: the global block with `agent.<agent>.fallback` laid over it. */
export function oracleSettingsFor(config: OracleConfig, agent: string): OracleSettings {
  // hasOwn: an agent named "constructor" or "__proto__" must not reach Object.prototype.
  const overrides = Object.hasOwn(config.agent, agent) ? config.agent[agent]?.fallback : undefined;
  return overlaySettings(config.fallback, overrides);
}
