import { defectEngine } from "../kit/defect-engine.ts";
import { dropLines } from "../kit/drop-lines.ts";

/**
 * Planted defect: drops `fallback_exhausted`. The engine throws to the caller without writing the terminal
 * line, so an exhausted request never ends in the audit (SPEC §6, §8: exactly one terminal event).
 */
export default defectEngine({
  name: "defect-drops-fallback-exhausted",
  audit: (sink) => dropLines(sink, (line) => line.event === "fallback_exhausted"),
});
