import { qualityIssues } from "../actions/keep-audit-log.ts";
import type { SuggestedAction, TriageFindings } from "../triage-findings.ts";
import {
  changeParts,
  duration,
  EPISODE_HEADERS,
  episodeCells,
  reasonsText,
  REQUEST_HEADERS,
  requestCells,
  share,
  statsCells,
  summaryLine,
} from "./triage-text.ts";

/** Text from the log inside a table cell: a `|` would split the cell, a newline the row. */
function cell(text: string): string {
  return text
    .replaceAll("\\", "\\\\")
    .replaceAll("|", "\\|")
    .replace(/[\r\n]+/g, " ");
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.replace(/[\r\n]+/g, " ")}${fence}`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function action(a: SuggestedAction, index: number): string[] {
  const out = [
    `${index + 1}. **${a.title}** (${code(a.id)}; runbook ${a.step})`,
    `   - Threshold: ${a.threshold}.`,
  ];
  for (const e of a.evidence) out.push(`   - Evidence: ${e}.`);
  for (const c of a.changes) {
    const p = changeParts(c);
    out.push(
      `   - Change: ${code(p.path)}: ${code(p.current)} (${p.from}) → ${p.suggestedIsCode ? code(p.suggested) : p.suggested}`,
    );
  }
  return out;
}

/**
 * `triage.md`: the runbook as a report — suggested actions first (each with the threshold it crossed and
 * its evidence), then the Detect and Diagnose findings, the log's quality and every rule checked.
 * Deterministic: the same findings give the same bytes.
 */
export function triageMarkdown(f: TriageFindings): string {
  const out: string[] = [];
  out.push(`# Triage: ${f.file ?? "audit log"}`, "");
  out.push(summaryLine(f), "");
  if (f.span !== null) out.push(`From ${f.span.from} to ${f.span.to}.`, "");

  out.push("## Suggested actions", "");
  if (f.actions.length === 0)
    out.push(
      `Nothing to suggest: none of the ${f.rules.length} runbook rules fired (see "Rules checked" below).`,
    );
  else f.actions.forEach((a, i) => out.push(...action(a, i)));
  out.push("");

  out.push("## Failures and skips per model", "");
  if (f.models.length === 0) out.push("No model appears in the log.");
  else
    out.push(
      ...table(
        [
          "model",
          "attempts",
          "failed",
          "failing",
          "skipped",
          "failures by reason (status; action)",
          "longest failure run",
        ],
        f.models.map((m) => [
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
      ),
    );
  out.push("");

  out.push("## Requests that ended in errors", "");
  if (f.errors.total === 0) out.push("No request ended in error.");
  else {
    out.push(
      `${f.errors.total} request(s) ended in error; a later success of the same agent followed ${f.errors.recovered} of them.`,
      "",
    );
    out.push(
      ...table(
        ["reason", "requests", "whole chain tried", "examples"],
        f.errors.byReason.map((r) => [
          r.reason,
          String(r.count),
          String(r.chainCovered),
          r.examples.map((e) => `${e.requestId} (lines ${e.firstLine}–${e.lastLine})`).join(", "),
        ]),
      ),
    );
    out.push("", "### With no later success", "");
    if (f.errors.unrecovered.length === 0) out.push("Every agent that had an error was served again later.");
    else
      out.push(
        ...table(
          ["agent", "requests", "since", "last success before", "examples"],
          f.errors.unrecovered.map((u) => [
            u.agent,
            String(u.count),
            `${u.sinceTs} (line ${u.sinceLine})`,
            u.lastSuccessLine === null ? "none in this log" : `line ${u.lastSuccessLine}`,
            u.examples
              .map((e) => `${e.requestId} (${e.reason ?? "?"}, lines ${e.firstLine}–${e.lastLine})`)
              .join(", "),
          ]),
        ),
      );
  }
  out.push("");

  out.push("## Circuit breakers", "");
  if (f.breakers.length === 0) out.push("No circuit transition in the log.");
  else
    out.push(
      ...table(
        [
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
        f.breakers.map((b) => [
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
      ),
    );
  out.push("");

  out.push("## Time spent waiting", "");
  if (f.waiting.total.count === 0) out.push("No failure was followed by a wait.");
  else
    out.push(
      ...table(
        ["waits of", "count", "total", "p50", "p95", "max"],
        [
          ["all", ...statsCells(f.waiting.total)],
          ...f.waiting.byModel.map((k) => [`model ${k.key}`, ...statsCells(k.stats)]),
          ...f.waiting.byReason.map((k) => [`reason ${k.key}`, ...statsCells(k.stats)]),
        ],
      ),
    );
  out.push("");

  out.push("## Time to get back to the primary", "");
  const outages = f.returnToPrimary.filter((p) => p.outages > 0);
  if (outages.length === 0)
    out.push(
      `No primary had an outage${f.returnToPrimary.some((p) => p.blips > 0) ? " (only failures a retry got over)" : ""}.`,
    );
  else {
    out.push(
      ...table(
        ["primary", "outages", ...EPISODE_HEADERS],
        outages.flatMap((p) => {
          const rows = [[p.primary, String(p.outages), ...episodeCells(p.ongoing ?? p.longest)]];
          if (p.first !== null && p.first !== (p.ongoing ?? p.longest))
            rows.push([`${p.primary} (first)`, "", ...episodeCells(p.first)]);
          return rows;
        }),
      ),
    );
    out.push(
      "",
      "The longest (or still ongoing) outage per primary first; an outage starts at the primary's first failure and ends when a request is served by the primary again.",
    );
  }
  out.push("");

  out.push("## Worst requests", "");
  for (const [title, list] of [
    ["Most attempts", f.worst.byAttempts],
    ["Longest", f.worst.byDuration],
    ["Most waiting", f.worst.byWaiting],
  ] as const) {
    out.push(`### ${title}`, "");
    if (list.length === 0) out.push("No request.");
    else out.push(...table(REQUEST_HEADERS, list.map(requestCells)));
    out.push("");
  }

  out.push("## Log quality", "");
  out.push(
    `Lines by format: SPEC §8 ${f.quality.formats.spec}, OpenCode-style ${f.quality.formats.opencode}.`,
    "",
  );
  const issues = qualityIssues(f.quality);
  if (issues.length === 0)
    out.push(
      "No gap, derived field, synthesized line, orphan, unfinished request or reader problem: the log is complete.",
    );
  else for (const issue of issues) out.push(`- ${issue}`);
  if (f.quality.problems.length > 0) {
    out.push("", "Reader problems (first ones):", "");
    for (const p of f.quality.problems)
      out.push(
        `- line ${p.line} [${p.kind}, ${p.severity}] ${code(p.path)}: ${p.message} (expected ${p.expected})`,
      );
  }
  out.push("");

  out.push("## Rules checked", "");
  out.push(
    ...table(
      ["rule", "runbook step", "threshold", "fired"],
      f.rules.map((r) => [r.id, r.step, r.threshold, String(r.fired)]),
    ),
  );
  out.push("");
  return out.join("\n");
}
