import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: an off-by-one breaker threshold. The engine compares the failure count with `>` where
 * SPEC §7 says `≥`, which is the same as running on `failure_threshold + 1`: the circuit opens one failure
 * late, so a dead model takes one more request than it should.
 */
export default defectEngine({
  name: "defect-breaker-off-by-one",
  config: (config) =>
    skewSettings(config, (s) => ({
      ...s,
      circuit_breaker: { ...s.circuit_breaker, failure_threshold: s.circuit_breaker.failure_threshold + 1 },
    })),
});
