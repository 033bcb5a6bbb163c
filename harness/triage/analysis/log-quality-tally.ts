import {
  isSynthesizedLine,
  type IncidentFormat,
  type IncidentLine,
  type IncidentReadSummary,
} from "../../incident/incident-line.ts";
import { EXAMPLE_CAP, PROBLEM_CAP } from "../thresholds.ts";
import type { CountWithExamples, LineExample, LogQuality } from "../triage-findings.ts";

class Examples {
  count = 0;
  readonly examples: LineExample[] = [];

  add(line: number, detail: string): void {
    this.count += 1;
    if (this.examples.length < EXAMPLE_CAP) this.examples.push({ line, detail });
  }

  done(): CountWithExamples {
    return { count: this.count, examples: [...this.examples] };
  }
}

/**
 * What the log itself says about its trustworthiness: `seq` gaps and repeats, times that go backwards,
 * fields the reader had to derive, lines it synthesized, plus the reader's own problems. Each with its
 * line numbers; nothing here changes the other findings, it tells how far to trust them.
 */
export class LogQualityTally {
  readonly #formats: Record<IncidentFormat, number> = { spec: 0, opencode: 0 };
  readonly #derived = new Map<string, { count: number; firstLine: number }>();
  readonly #synthesized = new Examples();
  readonly #gaps = new Examples();
  #missing = 0;
  readonly #repeats = new Examples();
  readonly #outOfOrder = new Examples();
  #maxSeq: number | null = null;
  #maxMs: number | null = null;

  feed(incident: IncidentLine, ms: number): void {
    this.#formats[incident.format] += 1;
    const audit = incident.audit;
    if (isSynthesizedLine(incident))
      this.#synthesized.add(
        incident.line,
        `${audit.event} of ${audit.request_id} was not in the log; the reader made it up`,
      );
    else
      for (const field of incident.derived) {
        const seen = this.#derived.get(field);
        if (seen === undefined) this.#derived.set(field, { count: 1, firstLine: incident.line });
        else seen.count += 1;
      }
    if (!incident.derived.includes("seq")) this.#seq(audit.seq, incident.line);
    // OpenCode-style requests reach us when they end, out of file order; the reader checks their times.
    if (incident.format === "spec" && this.#maxMs !== null && ms < this.#maxMs)
      this.#outOfOrder.add(incident.line, `${audit.ts} is ${this.#maxMs - ms} ms before a time already seen`);
    this.#maxMs = Math.max(this.#maxMs ?? ms, ms);
  }

  #seq(seq: number, line: number): void {
    if (this.#maxSeq !== null) {
      if (seq > this.#maxSeq + 1) {
        this.#gaps.add(line, `seq ${seq} follows ${this.#maxSeq}: ${seq - this.#maxSeq - 1} line(s) missing`);
        this.#missing += seq - this.#maxSeq - 1;
      } else if (seq <= this.#maxSeq) {
        this.#repeats.add(line, `seq ${seq} after ${this.#maxSeq} was already seen`);
      }
    }
    this.#maxSeq = Math.max(this.#maxSeq ?? seq, seq);
  }

  finish(
    read: IncidentReadSummary | undefined,
    requests: { unfinished: CountWithExamples; orphans: CountWithExamples; evicted: number },
  ): LogQuality {
    return {
      formats: { ...this.#formats },
      problems: (read?.problems ?? []).slice(0, PROBLEM_CAP),
      problemCounts:
        read === undefined
          ? {}
          : Object.fromEntries(
              Object.entries(read.problemCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            ),
      derivedFields: [...this.#derived.entries()]
        .map(([field, d]) => ({ field, count: d.count, firstLine: d.firstLine }))
        .sort((a, b) => b.count - a.count || (a.field < b.field ? -1 : 1)),
      synthesizedLines: this.#synthesized.done(),
      seqGaps: { ...this.#gaps.done(), missing: this.#missing },
      seqRepeats: this.#repeats.done(),
      tsOutOfOrder: this.#outOfOrder.done(),
      orphans: requests.orphans,
      unfinished: requests.unfinished,
      evicted: requests.evicted,
    };
  }
}
