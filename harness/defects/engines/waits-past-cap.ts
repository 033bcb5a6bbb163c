import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: waits past the Retry-After cap. The engine never applies `retry_after_cap_ms`, so a
 * provider asking for two minutes gets waited for (a hung agent) instead of the failure becoming
 * `quota_exhausted` and falling back at once (SPEC §4).
 */
export default defectEngine({
  name: "defect-waits-past-cap",
  config: (config) => skewSettings(config, (s) => ({ ...s, retry_after_cap_ms: Number.MAX_SAFE_INTEGER })),
});
