import type { EngineConfig, FallbackOverrides, FallbackSettings } from "./settings.ts";

/**
 * The entries of `value` that are not `undefined`. Parsed configs never hold `undefined`, but a config built
 * by hand in JavaScript may, and `{ cooldown_ms: undefined }` must not erase a global value.
 */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * `base` with `overrides` laid over it field by field (SPEC §5): a nested block (`circuit_breaker`, each
 * backoff policy, `actions`) keeps every base field the override does not name.
 */
export function mergeSettings(
  base: FallbackSettings,
  overrides: FallbackOverrides | undefined,
): FallbackSettings {
  if (overrides === undefined) return base;
  const { circuit_breaker, backoff, actions, ...flat } = overrides;
  return {
    ...base,
    ...defined(flat),
    circuit_breaker: { ...base.circuit_breaker, ...defined(circuit_breaker) },
    backoff: {
      network: { ...base.backoff.network, ...defined(backoff?.network) },
      rate_limit: { ...base.backoff.rate_limit, ...defined(backoff?.rate_limit) },
    },
    actions: { ...base.actions, ...defined(actions) },
  };
}

/** The settings that govern requests by `agent`: the global `fallback` with `agent.<agent>.fallback` over it. */
export function settingsFor(config: EngineConfig, agent: string): FallbackSettings {
  // hasOwn: an agent named "constructor" or "__proto__" must not reach Object.prototype.
  const overrides = Object.hasOwn(config.agent, agent) ? config.agent[agent]?.fallback : undefined;
  return mergeSettings(config.fallback, overrides);
}
