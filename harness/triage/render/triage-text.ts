import { humanDuration } from "../human-duration.ts";
import type {
  ConfigChange,
  DurationStats,
  PrimaryEpisode,
  RequestSummary,
  TriageFindings,
} from "../triage-findings.ts";

/** Words shared by the Markdown and HTML reports, so both say the same thing the same way. */

/** `1 h 5 min`, `250 ms`, `0`; `—` for nothing. */
export function duration(ms: number | null): string {
  return ms === null ? "—" : humanDuration(Math.round(ms));
}

/** `0.75` → `75 %`; `—` for nothing. */
export function share(value: number | null): string {
  return value === null ? "—" : `${Math.round(value * 100)} %`;
}

/** A config value as it would be written in opencode.json. */
export function value(v: unknown): string {
  return typeof v === "string" && !v.includes(" ") ? v : JSON.stringify(v);
}

/** A change in parts: code-like ones (`literal`) and words, for each report to mark up its way. */
export function changeParts(change: ConfigChange): {
  path: string;
  current: string;
  from: string;
  suggested: string;
  suggestedIsCode: boolean;
} {
  const from =
    change.currentFrom === "config"
      ? "in the config"
      : change.currentFrom === "log"
        ? "as the log shows it"
        : "the SPEC default";
  const words = typeof change.suggested === "string" && change.suggested.includes(" ");
  return {
    path: change.path,
    current: value(change.current),
    from,
    suggested: words ? change.suggested : value(change.suggested),
    suggestedIsCode: !words,
  };
}

/** The one-line summary of a log: printed by the CLI, heading both reports. */
export function summaryLine(f: TriageFindings): string {
  const t = f.totals;
  const over = f.span === null ? "" : ` over ${duration(f.span.durationMs)}`;
  return `${t.lines} line(s), ${t.requests} request(s)${over}: ${t.served} served (${t.servedByFallback} by a fallback), ${t.endedInError} ended in error, ${t.unfinished} unfinished; ${t.attempts} attempt(s), ${t.failures} failure(s), ${t.skips} skip(s), ${t.transitions} circuit transition(s).`;
}

/** A duration summary as table cells: count, total, p50, p95, max. */
export function statsCells(s: DurationStats): string[] {
  return [String(s.count), duration(s.totalMs), duration(s.p50Ms), duration(s.p95Ms), duration(s.maxMs)];
}

/** A request as table cells, in {@link REQUEST_HEADERS} order. */
export function requestCells(r: RequestSummary): string[] {
  const outcome =
    r.outcome === "served"
      ? `served by ${r.servedBy ?? "?"}`
      : r.outcome === "error"
        ? `error: ${r.reason ?? "?"}`
        : "unfinished";
  return [
    r.requestId,
    r.agent,
    outcome,
    String(r.attempts),
    duration(r.durationMs),
    duration(r.waitMs),
    `${r.firstLine}–${r.lastLine}`,
  ];
}

/** The columns of a worst-requests table. */
export const REQUEST_HEADERS = ["request", "agent", "outcome", "attempts", "duration", "waiting", "lines"];

/** How an episode of the primary ended, in words. */
export function episodeCells(e: PrimaryEpisode | null): string[] {
  if (e === null) return ["—", "—", "—", "—", "—"];
  return [
    `${e.startTs} (line ${e.startLine}, ${e.startReason})`,
    e.circuitOpenedTs ?? "did not open",
    e.backTs === null ? "never in this log" : `${e.backTs} (line ${e.backLine ?? "?"})`,
    e.durationMs === null
      ? "never"
      : `${duration(e.durationMs)}${e.sinceOpenMs === null ? "" : ` (${duration(e.sinceOpenMs)} after the circuit opened)`}`,
    `${e.servedElsewhere} served elsewhere, ${e.endedInError} ended in error`,
  ];
}

/** The columns {@link episodeCells} fills. */
export const EPISODE_HEADERS = [
  "first failure",
  "circuit opened",
  "back on the primary",
  "time to return",
  "meanwhile",
];

/** `server_error ×9 (500 ×9; fallback ×9)` for each reason of a model. */
export function reasonsText(
  reasons: readonly {
    reason: string;
    count: number;
    statuses: Readonly<Record<string, number>>;
    actions: Readonly<Record<string, number>>;
  }[],
): string {
  const list = (r: Readonly<Record<string, number>>): string =>
    Object.entries(r)
      .map(([k, n]) => `${k} ×${n}`)
      .join(", ");
  return reasons.map((r) => `${r.reason} ×${r.count} (${list(r.statuses)}; ${list(r.actions)})`).join("; ");
}
