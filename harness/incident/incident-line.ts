import type { AuditLine } from "../oracle/audit-schema.ts";

/**
 * A production audit log as replay and triage read it: every line normalised to a SPEC §8 audit line,
 * whatever format it came in, with its line number and the fields that had to be derived.
 */

/** `spec`: SPEC §8 lines. `opencode`: the journal fork's subset lines (docs/replay.md lists the aliases). */
export type IncidentFormat = "spec" | "opencode";

/** One usable line of an incident log. */
export interface IncidentLine {
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
  readonly format: IncidentFormat;
  /** The line as SPEC §8 says it: every field present. Fields the source lacked are derived or `null`. */
  readonly audit: AuditLine;
  /** Fields the source line did not carry and the reader derived (`reason` from `error_type`, `seq` from line order…). */
  readonly derived: readonly string[];
}

/** Something wrong or missing in a line: never silently dropped, always with its line number. */
export interface IncidentProblem {
  /** 1-based line number; 0 for the file as a whole. */
  readonly line: number;
  /** `error`: the line could not be used (it is counted and skipped). `warning`: used, with a caveat. */
  readonly severity: "error" | "warning";
  /** A stable id: `not-json`, `partial-last-line`, `unknown-event`, `field-missing`, `field-invalid`, `ts-out-of-order`, … */
  readonly kind: string;
  /** The JSON path of the offending field (`$.attempt`), or `$` for the whole line. */
  readonly path: string;
  /** What was expected there, in words (`a positive integer`). */
  readonly expected: string;
  /** One sentence a person can act on. */
  readonly message: string;
}

/** What reading a whole log gave, besides the lines handed to the consumer. */
export interface IncidentReadSummary {
  readonly file: string;
  /** Lines in the file (blank ones included). */
  readonly totalLines: number;
  /** Lines handed to the consumer. */
  readonly usedLines: number;
  /** The format most lines had. */
  readonly format: IncidentFormat;
  /** The first problems in line order (at most a cap); `problemCounts` counts them all. */
  readonly problems: readonly IncidentProblem[];
  readonly problemCounts: Readonly<Record<string, number>>;
}

/**
 * The problem kinds the incident reader reports (`IncidentProblem.kind` stays a string so consumers may add
 * their own). docs/replay.md describes each.
 */
export type IncidentProblemKind =
  | "not-json"
  | "line-too-long"
  | "not-an-object"
  | "partial-last-line"
  | "unknown-event"
  | "field-missing"
  | "field-invalid"
  | "field-unknown"
  | "ts-format"
  | "version-unsupported"
  | "ts-out-of-order"
  | "request-not-started"
  | "attempt-not-logged"
  | "chain-unknown"
  | "chain-incomplete"
  | "request-flushed-early"
  | "request-evicted";

/** The `derived` entry of a line the reader made up (a `fallback_request` or `fallback_attempt` the log lacked). */
export const SYNTHESIZED = "$";

/** True for a line the source log did not contain at all. */
export function isSynthesizedLine(line: IncidentLine): boolean {
  return line.derived[0] === SYNTHESIZED;
}
