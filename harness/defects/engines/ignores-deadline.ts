import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: ignores the deadline. The engine never applies `deadline_ms` (it uses ten times the
 * budget), so a request keeps retrying long after the agent should have been answered (SPEC §4, §6).
 */
export default defectEngine({
  name: "defect-ignores-deadline",
  config: (config) => skewSettings(config, (s) => ({ ...s, deadline_ms: s.deadline_ms * 10 })),
});
