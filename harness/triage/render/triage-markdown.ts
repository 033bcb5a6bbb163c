import { qualityIssues } from "../actions/keep-audit-log.ts";
import type { SuggestedAction, TriageFindings } from "../triage-findings.ts";
import {
  breakerTable,
  errorReasonTable,
  modelTable,
  noOutageText,
  primariesWithOutages,
  requestTable,
  RETURN_TO_PRIMARY_NOTE,
  returnToPrimaryTable,
  rulesTable,
  unrecoveredTable,
  waitingTable,
  type TriageTable,
} from "./triage-tables.ts";
import { changeParts, summaryLine } from "./triage-text.ts";

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

function table({ headers, rows }: TriageTable): string[] {
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
  else out.push(...table(modelTable(f)));
  out.push("");

  out.push("## Requests that ended in errors", "");
  if (f.errors.total === 0) out.push("No request ended in error.");
  else {
    out.push(
      `${f.errors.total} request(s) ended in error; a later success of the same agent followed ${f.errors.recovered} of them.`,
      "",
    );
    out.push(...table(errorReasonTable(f)));
    out.push("", "### With no later success", "");
    if (f.errors.unrecovered.length === 0) out.push("Every agent that had an error was served again later.");
    else out.push(...table(unrecoveredTable(f)));
  }
  out.push("");

  out.push("## Circuit breakers", "");
  if (f.breakers.length === 0) out.push("No circuit transition in the log.");
  else out.push(...table(breakerTable(f)));
  out.push("");

  out.push("## Time spent waiting", "");
  if (f.waiting.total.count === 0) out.push("No failure was followed by a wait.");
  else out.push(...table(waitingTable(f)));
  out.push("");

  out.push("## Time to get back to the primary", "");
  const outages = primariesWithOutages(f);
  if (outages.length === 0) out.push(noOutageText(f));
  else out.push(...table(returnToPrimaryTable(outages)), "", RETURN_TO_PRIMARY_NOTE);
  out.push("");

  out.push("## Worst requests", "");
  for (const [title, list] of [
    ["Most attempts", f.worst.byAttempts],
    ["Longest", f.worst.byDuration],
    ["Most waiting", f.worst.byWaiting],
  ] as const) {
    out.push(`### ${title}`, "");
    if (list.length === 0) out.push("No request.");
    else out.push(...table(requestTable(list)));
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
  out.push(...table(rulesTable(f)));
  out.push("");
  return out.join("\n");
}
