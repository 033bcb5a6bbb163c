import type { AuditEvent } from "./events.ts";
import type { AuditSink } from "./sink.ts";

/** An audit sink that keeps every line in memory: for tests and for the harness's in-process runs. */
export class MemoryAuditSink implements AuditSink {
  /** Every appended line, exactly as written (each ends with `"\n"`). */
  readonly lines: string[] = [];

  append(line: string): void {
    this.lines.push(line);
  }

  /**
   * The lines parsed as JSON. Not validated: the writer validates when asked to, and a test that wants the
   * schema check runs `AuditEventSchema` itself.
   */
  events(): AuditEvent[] {
    return this.lines.map((line) => JSON.parse(line) as AuditEvent);
  }

  /** The whole log as it would sit in a JSONL file. */
  text(): string {
    return this.lines.join("");
  }
}
