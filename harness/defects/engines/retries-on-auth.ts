import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: retries on auth. The engine treats every ProviderError as retryable, so a revoked key
 * (401, SPEC §3: fallback + trip) is hammered with backoff retries instead of moving to the next model.
 */
export default defectEngine({
  name: "defect-retries-on-auth",
  config: (config) =>
    skewSettings(config, (s) => ({ ...s, actions: { ...s.actions, ProviderError: "retry" } })),
});
