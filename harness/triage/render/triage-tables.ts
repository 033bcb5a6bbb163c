import type { PrimaryFindings, RequestSummary, TriageFindings } from "../triage-findings.ts";
import {
  duration,
  EPISODE_HEADERS,
  episodeCells,
  reasonsText,
  REQUEST_HEADERS,
  requestCells,
  share,
  statsCells,
} from "./triage-text.ts";

/**
 * One table of the triage report as both renderers show it: the Markdown and the HTML report differ in
 * markup, never in what a table says.
 */
export interface TriageTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns of numbers (the HTML report right-aligns them). */
  readonly numeric: readonly number[];
}

/** Per model: attempts, failures, skips by reason, failures by reason, the longest run of failures. */
export function modelTable(f: TriageFindings): TriageTable {
  return {
    headers: [
      "model",
      "attempts",
      "failed",
      "failing",
      "skipped",
      "failures by reason (status; action)",
      "longest failure run",
    ],
    rows: f.models.map((m) => [
      m.model,
      String(m.attempts),
      String(m.failures),
      share(m.failureShare),
      m.skippedTotal === 0
        ? "0"
        : `${m.skippedTotal} (${Object.entries(m.skipped)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k} ×${n}`)
            .join(", ")})`,
      reasonsText(m.byReason) || "—",
      m.longestFailureRun === null
        ? "—"
        : `${m.longestFailureRun.count} (lines ${m.longestFailureRun.fromLine}–${m.longestFailureRun.toLine})`,
    ]),
    numeric: [1, 2, 3, 4],
  };
}

/** Requests that ended in error, by reason. */
export function errorReasonTable(f: TriageFindings): TriageTable {
  return {
    headers: ["reason", "requests", "whole chain tried", "examples"],
    rows: f.errors.byReason.map((r) => [
      r.reason,
      String(r.count),
      String(r.chainCovered),
      r.examples.map((e) => `${e.requestId} (lines ${e.firstLine}–${e.lastLine})`).join(", "),
    ]),
    numeric: [1, 2],
  };
}

/** Agents whose errors no later success followed. */
export function unrecoveredTable(f: TriageFindings): TriageTable {
  return {
    headers: ["agent", "requests", "since", "last success before", "examples"],
    rows: f.errors.unrecovered.map((u) => [
      u.agent,
      String(u.count),
      `${u.sinceTs} (line ${u.sinceLine})`,
      u.lastSuccessLine === null ? "none in this log" : `line ${u.lastSuccessLine}`,
      u.examples
        .map((e) => `${e.requestId} (${e.reason ?? "?"}, lines ${e.firstLine}–${e.lastLine})`)
        .join(", "),
    ]),
    numeric: [1],
  };
}

/** Per model's circuit: how often it moved, how long it was not closed, its state at the end. */
export function breakerTable(f: TriageFindings): TriageTable {
  return {
    headers: [
      "model",
      "transitions",
      "opened",
      "probes failed (open → half_open → open)",
      "probes closed it",
      "time not closed",
      "longest spell",
      "transitions per hour",
      "state at end",
    ],
    rows: f.breakers.map((b) => [
      b.model,
      String(b.transitions),
      String(b.opened),
      String(b.reopened),
      String(b.closed),
      duration(b.notClosedMs),
      b.longestSpell === null
        ? "—"
        : `${duration(b.longestSpell.durationMs)} from line ${b.longestSpell.openedLine}${b.longestSpell.closedLine === null ? ", still open" : ` to ${b.longestSpell.closedLine}`}`,
      b.transitionsPerHour === null ? "—" : b.transitionsPerHour.toFixed(1),
      b.stateAtEnd,
    ]),
    numeric: [1, 2, 3, 4, 7],
  };
}

/** Waits after failures: all of them, then per model and per reason. */
export function waitingTable(f: TriageFindings): TriageTable {
  return {
    headers: ["waits of", "count", "total", "p50", "p95", "max"],
    rows: [
      ["all", ...statsCells(f.waiting.total)],
      ...f.waiting.byModel.map((k) => [`model ${k.key}`, ...statsCells(k.stats)]),
      ...f.waiting.byReason.map((k) => [`reason ${k.key}`, ...statsCells(k.stats)]),
    ],
    numeric: [1, 2, 3, 4, 5],
  };
}

/** The primaries that had an outage. */
export function primariesWithOutages(f: TriageFindings): readonly PrimaryFindings[] {
  return f.returnToPrimary.filter((p) => p.outages > 0);
}

/** What the return-to-primary section says when no primary had an outage. */
export function noOutageText(f: TriageFindings): string {
  return `No primary had an outage${f.returnToPrimary.some((p) => p.blips > 0) ? " (only failures a retry got over)" : ""}.`;
}

/** Per primary with an outage: its longest (or ongoing) outage, and its first one when that was another. */
export function returnToPrimaryTable(outages: readonly PrimaryFindings[]): TriageTable {
  return {
    headers: ["primary", "outages", ...EPISODE_HEADERS],
    rows: outages.flatMap((p) => {
      const rows = [[p.primary, String(p.outages), ...episodeCells(p.ongoing ?? p.longest)]];
      if (p.first !== null && p.first !== (p.ongoing ?? p.longest))
        rows.push([`${p.primary} (first)`, "", ...episodeCells(p.first)]);
      return rows;
    }),
    numeric: [1],
  };
}

/** How the return-to-primary table reads. */
export const RETURN_TO_PRIMARY_NOTE =
  "The longest (or still ongoing) outage per primary first; an outage starts at the primary's first failure and ends when a request is served by the primary again.";

/** One list of worst requests. */
export function requestTable(list: readonly RequestSummary[]): TriageTable {
  return { headers: REQUEST_HEADERS, rows: list.map(requestCells), numeric: [3] };
}

/** Every runbook rule and whether it fired. */
export function rulesTable(f: TriageFindings): TriageTable {
  return {
    headers: ["rule", "runbook step", "threshold", "fired"],
    rows: f.rules.map((r) => [r.id, r.step, r.threshold, String(r.fired)]),
    numeric: [3],
  };
}
