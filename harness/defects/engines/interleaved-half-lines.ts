import type { AuditSink } from "../../../src/index.ts";
import { defectEngine } from "../kit/defect-engine.ts";

/**
 * Planted defect: interleaved half-lines in the audit. The sink writes each line in two appends (the JSON,
 * then — after an await, as a buffered stream does — the rest), so lines written close together by
 * concurrent requests interleave mid-line (SPEC §8: each line with a single append).
 */
function splitWrites(sink: AuditSink): AuditSink {
  let pending = Promise.resolve();
  return {
    append(line) {
      const cut = Math.floor(line.length / 2);
      sink.append(line.slice(0, cut));
      pending = pending.then(() => sink.append(line.slice(cut)));
    },
    async close() {
      await pending;
      await sink.close?.();
    },
  };
}

export default defectEngine({ name: "defect-interleaved-half-lines", audit: splitWrites });
