import { fastAuditLine } from "../check/fast-audit-line.ts";
import type { OverlongLine } from "../check/line-splitter.ts";
import { scanAuditLine, scannedTsMs } from "../check/scan-audit-line.ts";
import {
  parseAuditLine,
  type AuditEventName,
  type AuditLine,
  type SchemaProblem,
} from "../oracle/audit-schema.ts";
import { buildAuditLine } from "./build-audit-line.ts";
import { excerpt, FieldReader, preview, type ProblemDraft } from "./field-reader.ts";
import type { IncidentFormat, IncidentLine, IncidentReadSummary } from "./incident-line.ts";
import { toAuditTime } from "./incident-time.ts";
import { eventNamed, FIELD_ALIASES as F, inferEvent } from "./opencode-format.ts";
import { ProblemLog } from "./problem-log.ts";
import {
  RequestTracker,
  requestIdOf,
  viewOf,
  type TrackerCounts,
  type TrackerLimits,
} from "./request-tracker.ts";

/** Options of the incident reader; the defaults suit a log of millions of lines. */
export interface IncidentReadOptions extends Partial<TrackerLimits> {
  /** The name problems are reported under; `readIncidentLog` passes the path. */
  readonly file?: string;
  /** Problems kept in full (all are counted); default 1000. */
  readonly maxProblems?: number;
}

/** What the reader holds at a moment: the bound of its memory, whatever the log's length. */
export interface RetainedCounts extends TrackerCounts {
  readonly storedProblems: number;
}

/** The summary, plus what the reader made up and the most it held at once. */
export interface IncidentReadResult extends IncidentReadSummary {
  /** Lines handed to the consumer that the log did not contain (see opencode-format.ts). */
  readonly synthesizedLines: number;
  /** The largest of each retained count while reading. */
  readonly peak: RetainedCounts;
}

const DEFAULTS = {
  maxProblems: 1000,
  maxOpenRequests: 10_000,
  maxBufferedLines: 20_000,
  rememberedRequests: 20_000,
} as const;

const BOM = "\uFEFF";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why a SPEC line failed the strict schema but is still read, as a warning of the same kind. */
function strictnessWarning(problem: SchemaProblem): ProblemDraft {
  return {
    severity: "warning",
    kind: problem.rule,
    path: "$",
    expected: "a SPEC §8 line",
    message: `${problem.message}; the line is read leniently`,
  };
}

/**
 * The incident-log reader as a line-at-a-time machine: `feed` each line (the last one flagged, so a line cut
 * mid-write is told from a corrupt one), then `finish`. Every usable line reaches `onLine` as a SPEC §8 line
 * (see opencode-format.ts for what is derived); every other line becomes a problem with its line number.
 * Memory holds open requests, a bounded list of problems, and counters.
 */
export class IncidentReader {
  readonly #onLine: (line: IncidentLine) => void;
  readonly #file: string;
  readonly #problems: ProblemLog;
  readonly #tracker: RequestTracker;
  #lineNo = 0;
  #used = 0;
  readonly #formats = { spec: 0, opencode: 0 };
  #lastTs: { ms: number; line: number } | undefined;
  readonly #peak = { openRequests: 0, bufferedLines: 0, rememberedRequests: 0, storedProblems: 0 };

  constructor(onLine: (line: IncidentLine) => void, options: IncidentReadOptions = {}) {
    this.#onLine = onLine;
    this.#file = options.file ?? "<lines>";
    this.#problems = new ProblemLog(options.maxProblems ?? DEFAULTS.maxProblems);
    this.#tracker = new RequestTracker(
      {
        maxOpenRequests: options.maxOpenRequests ?? DEFAULTS.maxOpenRequests,
        maxBufferedLines: options.maxBufferedLines ?? DEFAULTS.maxBufferedLines,
        rememberedRequests: options.rememberedRequests ?? DEFAULTS.rememberedRequests,
      },
      (line) => this.#onLine(line),
      (line, problem) => this.#report(line, problem),
    );
  }

  /** What the reader holds now. */
  retained(): RetainedCounts {
    const tracker = this.#tracker;
    return {
      openRequests: tracker.openRequests,
      bufferedLines: tracker.bufferedLines,
      rememberedRequests: tracker.rememberedRequests,
      storedProblems: this.#problems.stored.length,
    };
  }

  /** Reads the next line; `last` when no line follows and the log did not end with a newline. */
  feed(text: string, last = false): void {
    this.#lineNo += 1;
    this.#read(this.#lineNo === 1 && text.startsWith(BOM) ? text.slice(1) : text, last);
    this.#notePeak();
  }

  /** Counts a line the file reader skipped for its length: unusable, reported with its number. */
  feedOverlong(line: OverlongLine): void {
    this.#lineNo += 1;
    this.#report(this.#lineNo, {
      severity: "error",
      kind: "line-too-long",
      path: "$",
      expected: `a line of at most ${line.limit} bytes`,
      message: `the line is ${line.bytes} bytes long, over the limit of ${line.limit} bytes; it was skipped unread`,
    });
    this.#notePeak();
  }

  #notePeak(): void {
    // Plain numbers, no object per line: this runs a million times on a big log.
    const peak = this.#peak;
    const tracker = this.#tracker;
    if (tracker.openRequests > peak.openRequests) peak.openRequests = tracker.openRequests;
    if (tracker.bufferedLines > peak.bufferedLines) peak.bufferedLines = tracker.bufferedLines;
    if (tracker.rememberedRequests > peak.rememberedRequests)
      peak.rememberedRequests = tracker.rememberedRequests;
    const stored = this.#problems.stored.length;
    if (stored > peak.storedProblems) peak.storedProblems = stored;
  }

  /** Writes out the requests still open and returns the summary. */
  finish(): IncidentReadResult {
    this.#tracker.finish();
    return {
      file: this.#file,
      totalLines: this.#lineNo,
      usedLines: this.#used,
      format: this.#formats.opencode > this.#formats.spec ? "opencode" : "spec",
      // Request-level warnings (a chain that could not be written) name the request's first line: sort.
      problems: [...this.#problems.stored].sort((a, b) => a.line - b.line),
      problemCounts: this.#problems.counts(),
      synthesizedLines: this.#tracker.synthesized,
      peak: { ...this.#peak },
    };
  }

  #report(line: number, problem: ProblemDraft): void {
    this.#problems.add({ line, ...problem });
  }

  #read(text: string, unterminatedLast: boolean): void {
    // A SPEC line in the writers' layout is read and tested in one pass, without JSON.parse (the checker's scanner).
    const scanned = scanAuditLine(text);
    if (scanned !== undefined) {
      this.#formats.spec += 1;
      this.#readSpec(scanned, scanned, scannedTsMs());
      return;
    }
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (unterminatedLast)
        this.#report(this.#lineNo, {
          severity: "warning",
          kind: "partial-last-line",
          path: "$",
          expected: "a complete JSON object",
          message: `the last line ends without a newline and is not JSON (the writer stopped mid-line?): ${excerpt(text)}`,
        });
      else
        this.#report(this.#lineNo, {
          severity: "error",
          kind: "not-json",
          path: "$",
          expected: "one JSON object per line",
          message: `the line is not JSON: ${excerpt(text)}`,
        });
      return;
    }
    if (!isRecord(value)) {
      this.#report(this.#lineNo, {
        severity: "error",
        kind: "not-an-object",
        path: "$",
        expected: "a JSON object",
        message: `expected a JSON object, got ${preview(value)}`,
      });
      return;
    }
    // SPEC §8 lines carry `v` and `seq`; nothing else in the OpenCode-style format does.
    const format: IncidentFormat = "v" in value && "seq" in value ? "spec" : "opencode";
    this.#formats[format] += 1;
    if (format === "spec") this.#readSpec(value, fastAuditLine(value), undefined);
    else this.#readLenient(value, "opencode", undefined);
  }

  /**
   * A SPEC line; `audit` is it when the checker's fast test accepted it, else the schema judges it. `scannedMs`
   * is its time when the scanner read it.
   */
  #readSpec(
    record: Record<string, unknown>,
    fast: AuditLine | undefined,
    scannedMs: number | undefined,
  ): void {
    let audit = fast;
    if (audit === undefined) {
      const strict = parseAuditLine(record);
      if (!strict.ok) {
        if (strict.problem.rule === "unknown-event") this.#unknownEvent(record.event);
        else this.#readLenient(record, "spec", strictnessWarning(strict.problem));
        return;
      }
      audit = strict.line;
    }
    // parseAuditLine has checked the form; Date.parse of it is exact and cheaper than checking again.
    const tsMs = scannedMs ?? Date.parse(audit.ts);
    const resolution = this.#tracker.resolve(
      audit.request_id,
      audit.event,
      "attempt" in audit ? audit.attempt : undefined,
      this.#lineNo,
      false,
    );
    this.#use(tsMs);
    this.#tracker.commit(resolution, {
      line: this.#lineNo,
      format: "spec",
      built: { kind: "line", audit },
      ts: audit.ts,
      agent: audit.agent,
      givenSeq: audit.seq,
      // A strict SPEC line carries every field; null, not a closure per line.
      derivedOf: null,
    });
  }

  #unknownEvent(event: unknown): void {
    this.#report(this.#lineNo, {
      severity: "warning",
      kind: "unknown-event",
      path: "$.event",
      expected: "an event of SPEC §8",
      message: `the event ${preview(event)} is not one this reader knows`,
    });
  }

  /** The event a line names or implies; undefined (with the problem reported) when it has none usable. */
  #eventOf(record: Record<string, unknown>, fields: FieldReader): AuditEventName | undefined {
    const key = F.event.find((alias) => record[alias] !== undefined && record[alias] !== null);
    if (key !== undefined) {
      const event = eventNamed(record[key]);
      if (event === undefined) this.#unknownEvent(record[key]);
      else fields.markCarried("event");
      return event;
    }
    const inferred = inferEvent(record);
    if (inferred === undefined)
      fields.required(
        "$.event",
        "an event name (event or type), or action or success to infer it from",
        "the line names no event and carries nothing to infer one from",
      );
    return inferred;
  }

  /** A line read by its aliases with missing fields derived: OpenCode-style lines, and SPEC lines the strict schema rejects. */
  #readLenient(
    record: Record<string, unknown>,
    format: IncidentFormat,
    strictness: ProblemDraft | undefined,
  ): void {
    const fields = new FieldReader(record);
    const event = this.#eventOf(record, fields);
    if (event === undefined) {
      this.#reportAll(fields.problems);
      return;
    }
    const seq = fields.positiveInt("seq", F.seq);
    let tsMs = fields.time("ts", F.ts) ?? undefined;
    const key = fields.text("request_id", F.requestKey);
    const givenAgent = fields.text("agent", F.agent);
    const hasAttempt =
      event === "fallback_attempt" || event === "fallback_success" || event === "fallback_failure";
    const attempt = hasAttempt ? fields.positiveInt("attempt", ["attempt"]) : undefined;
    if (tsMs === undefined && !fields.failed) {
      if (this.#lastTs === undefined)
        fields.required(
          "$.ts",
          "a time (ts, time or timestamp)",
          "the line has no time and no earlier line to take one from",
        );
      else {
        tsMs = this.#lastTs.ms;
        fields.guessed(
          "$.ts",
          "a time (ts, time or timestamp)",
          `the line has no time; line ${this.#lastTs.line}'s is used`,
        );
      }
    }
    if (fields.failed || tsMs === undefined) {
      this.#reportAll(fields.problems);
      return;
    }
    const resolution = this.#tracker.resolve(key, event, attempt, this.#lineNo, format === "opencode");
    const request = requestIdOf(resolution);
    const agent = givenAgent ?? viewOf(resolution).agent ?? "unknown";
    const built = buildAuditLine(
      fields,
      { event, seq: seq ?? 1, tsMs, requestId: request.id, agent, attempt },
      viewOf(resolution),
    );
    if (built === undefined) {
      this.#reportAll(fields.problems.filter((problem) => problem.severity === "error"));
      return;
    }
    if (strictness !== undefined) this.#report(this.#lineNo, strictness);
    this.#reportAll(fields.problems);
    this.#use(tsMs);
    const ts = toAuditTime(tsMs);
    this.#tracker.commit(resolution, {
      line: this.#lineNo,
      format,
      built,
      ts,
      agent,
      givenSeq: seq,
      derivedOf: (keys) =>
        keys.filter((k) => k !== "v" && (!fields.carried(k) || (k === "request_id" && request.derived))),
    });
  }

  #reportAll(problems: readonly ProblemDraft[]): void {
    for (const problem of problems) this.#report(this.#lineNo, problem);
  }

  /** Counts a used line and warns when its time runs backwards from the previous used line's. */
  #use(tsMs: number): void {
    this.#used += 1;
    const last = this.#lastTs;
    if (last !== undefined && tsMs < last.ms)
      this.#report(this.#lineNo, {
        severity: "warning",
        kind: "ts-out-of-order",
        path: "$.ts",
        expected: `a time at or after line ${last.line}'s ${toAuditTime(last.ms)}`,
        message: `the time ${toAuditTime(tsMs)} is earlier than line ${last.line}'s ${toAuditTime(last.ms)}; the line is used with its own time (sort by ts if order matters)`,
      });
    this.#lastTs = { ms: tsMs, line: this.#lineNo };
  }
}
