import type { AuditSink } from "../../../src/index.ts";

/**
 * An audit sink that loses the lines `drop` selects, as an engine that never wrote them would: the kept
 * lines are renumbered so `seq` still runs 1, 2, 3 … (a forgotten write is never stamped), which leaves the
 * missing line itself as the only defect for the checker to find.
 */
export function dropLines(
  sink: AuditSink,
  drop: (line: Readonly<Record<string, unknown>>) => boolean,
): AuditSink {
  let seq = 0;
  return {
    append(text) {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (drop(line)) return;
      seq += 1;
      sink.append(`${JSON.stringify({ ...line, seq })}\n`);
    },
    close: () => sink.close?.() ?? Promise.resolve(),
  };
}
