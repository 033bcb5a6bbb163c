/**
 * Where audit lines go (SPEC §8). A line is one complete JSON object followed by `"\n"`.
 *
 * A sink must write each line with ONE append and never split it: concurrent requests (and concurrent
 * processes sharing a log file) rely on that to never interleave bytes. A sink should not throw from
 * `append` either — a failing disk must never fail a request; report the failure and drop the line.
 */
export interface AuditSink {
  /** Appends one complete line (JSON + `"\n"`) in a single write. */
  append(line: string): void;
  /** Flushes and releases the destination; further lines are dropped. */
  close?(): Promise<void>;
}
