import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: two probes in half-open. The engine lets one more call through a half-open circuit than
 * `half_open_probes` allows, so a burst arriving at the end of a cooldown sends two calls to a provider that
 * may still be down (SPEC §6–§7: half-open permits are counted exactly).
 */
export default defectEngine({
  name: "defect-two-probes-in-half-open",
  config: (config) =>
    skewSettings(config, (s) => ({
      ...s,
      circuit_breaker: { ...s.circuit_breaker, half_open_probes: s.circuit_breaker.half_open_probes + 1 },
    })),
});
