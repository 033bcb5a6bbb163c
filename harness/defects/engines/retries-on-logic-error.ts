import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: retries on LogicError. An invalid request (400) is the caller's fault and fails the same
 * way every time (SPEC §3: fail); this engine retries it with backoff and so wastes the user's time.
 */
export default defectEngine({
  name: "defect-retries-on-logic-error",
  config: (config) => skewSettings(config, (s) => ({ ...s, actions: { ...s.actions, LogicError: "retry" } })),
});
