import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: never half-opens. `cooldown_ms` is read as seconds (×1000), so an opened circuit
 * effectively stays open forever and a recovered primary never gets its traffic back (SPEC §7:
 * open → half_open after `cooldown_ms`).
 */
export default defectEngine({
  name: "defect-never-half-opens",
  config: (config) =>
    skewSettings(config, (s) => ({
      ...s,
      circuit_breaker: { ...s.circuit_breaker, cooldown_ms: s.circuit_breaker.cooldown_ms * 1000 },
    })),
});
