import { defectEngine } from "../kit/defect-engine.ts";
import { dropLines } from "../kit/drop-lines.ts";

/**
 * Planted defect: a missing audit line on retry. The retry path forgets to write its `fallback_failure`
 * (only the fallback and fail paths log one), so a retried attempt has no outcome in the log. The line is
 * never stamped, so `seq` has no gap: the only trace is the unanswered attempt (SPEC §8).
 */
export default defectEngine({
  name: "defect-missing-retry-line",
  audit: (sink) => dropLines(sink, (line) => line.event === "fallback_failure" && line.action === "retry"),
});
