import { defectEngine, type DeltaHandler } from "../kit/defect-engine.ts";

/**
 * Planted defect: duplicated text after a restart. The UI bridge forwards text deltas but drops the
 * `reset` signal, so after a mid-stream failure the caller shows the partial first answer followed by the
 * full second one (SPEC §6: never duplicated text).
 */
function swallowReset(onDelta: DeltaHandler): DeltaHandler {
  return (delta) => {
    if (delta.type === "text") onDelta(delta);
  };
}

export default defectEngine({ name: "defect-duplicated-text", onDelta: swallowReset });
