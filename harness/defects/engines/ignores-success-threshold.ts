import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: ignores success_threshold. The engine closes a half-open circuit after the first probe
 * success whatever `circuit_breaker.success_threshold` says, so a provider that answered once after an
 * outage gets full traffic back before it has proved itself (SPEC §7: half_open → closed after
 * `success_threshold` probe successes).
 */
export default defectEngine({
  name: "defect-ignores-success-threshold",
  config: (config) =>
    skewSettings(config, (s) => ({ ...s, circuit_breaker: { ...s.circuit_breaker, success_threshold: 1 } })),
});
