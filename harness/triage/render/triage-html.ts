import { esc } from "../../report/html/escape.ts";
import { STYLES } from "../../report/html/styles.ts";
import { STATE_COLOURS } from "../../report/html/timeline-svg.ts";
import { qualityIssues } from "../actions/keep-audit-log.ts";
import type { SuggestedAction, TriageFindings } from "../triage-findings.ts";
import { breakerTimelineSvg } from "./charts/breaker-timeline-svg.ts";
import { ReasonPalette, swatch } from "./charts/chart-kit.ts";
import { failuresByReasonSvg } from "./charts/failures-by-reason-svg.ts";
import { waitingSvg } from "./charts/waiting-svg.ts";
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
import { changeParts, duration, summaryLine } from "./triage-text.ts";
import { htmlPage } from "../../report/html/page.ts";

/** What the triage page adds to the run report's stylesheet. */
const TRIAGE_STYLES = `
table.data { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; margin: 8px 0 4px; font-size: 13px; }
.data th, .data td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
.data th { background: #f1f5f9; font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.data tr:last-child td { border-bottom: none; }
.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
ol.actions { padding-left: 22px; }
ol.actions > li { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--partial); border-radius: 8px; padding: 10px 14px; margin: 0 0 10px; }
.action-title { font-weight: 700; }
.action-meta { color: var(--muted); font-size: 12.5px; }
ul.evidence { margin: 6px 0; padding-left: 18px; }
.change { font-size: 13px; margin: 2px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: middle; }
.chart-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; margin: 6px 0 10px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
svg .wait-bar:hover, svg .bar:hover { filter: brightness(.85); }
`;

function table({ headers, rows, numeric }: TriageTable): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table class="data"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function chart(svg: string, legend = ""): string {
  return `${legend === "" ? "" : `<div class="legend">${legend}</div>`}<div class="chart-wrap">${svg}</div>`;
}

function actionItem(a: SuggestedAction): string {
  const changes = a.changes
    .map((c) => {
      const p = changeParts(c);
      return `<div class="change">Change <code>${esc(p.path)}</code>: <code>${esc(p.current)}</code> <span class="muted">(${esc(p.from)})</span> → ${p.suggestedIsCode ? `<code>${esc(p.suggested)}</code>` : esc(p.suggested)}</div>`;
    })
    .join("");
  return `<li data-action="${esc(a.id)}"><div class="action-title">${esc(a.title)}</div>
<div class="action-meta"><code>${esc(a.id)}</code> · runbook ${esc(a.step)} · threshold: ${esc(a.threshold)}</div>
<ul class="evidence">${a.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>${changes}</li>`;
}

function header(f: TriageFindings): string {
  const verdict = f.actions.length === 0 ? "pass" : "fail";
  const t = f.totals;
  const totals: [number, string][] = [
    [t.requests, "requests"],
    [t.endedInError, "ended in error"],
    [t.failures, "failures"],
    [t.transitions, "transitions"],
    [f.actions.length, "actions"],
  ];
  return `<header class="header ${verdict}">
<div class="verdict ${verdict}">${f.actions.length === 0 ? "OK" : "ACT"}</div>
<div><h1>Triage: ${esc(f.file ?? "audit log")}</h1><div class="sub">${esc(summaryLine(f))}${f.span === null ? "" : ` ${esc(f.span.from)} → ${esc(f.span.to)}.`}</div></div>
<div class="totals">${totals.map(([n, label]) => `<div class="total${label === "ended in error" && n > 0 ? " bad" : ""}"><b>${n}</b><span>${esc(label)}</span></div>`).join("")}</div>
</header>`;
}

function sections(f: TriageFindings): string[] {
  const palette = new ReasonPalette();
  const out: string[] = [];
  out.push("<h2>Suggested actions</h2>");
  out.push(
    f.actions.length === 0
      ? `<p>Nothing to suggest: none of the ${f.rules.length} runbook rules fired (see "Rules checked").</p>`
      : `<ol class="actions">${f.actions.map(actionItem).join("\n")}</ol>`,
  );

  out.push("<h2>Failures and skips per model</h2>");
  if (f.models.some((m) => m.failures > 0)) {
    const { svg, legend } = failuresByReasonSvg(f.models, palette);
    out.push(chart(svg, `<b>reason</b>${legend}`));
  }
  out.push(f.models.length === 0 ? "<p>No model appears in the log.</p>" : table(modelTable(f)));

  out.push("<h2>Requests that ended in errors</h2>");
  if (f.errors.total === 0) out.push("<p>No request ended in error.</p>");
  else {
    out.push(
      `<p>${f.errors.total} request(s) ended in error; a later success of the same agent followed ${f.errors.recovered} of them.</p>`,
    );
    out.push(table(errorReasonTable(f)));
    out.push("<h4>With no later success</h4>");
    out.push(
      f.errors.unrecovered.length === 0
        ? "<p>Every agent that had an error was served again later.</p>"
        : table(unrecoveredTable(f)),
    );
  }

  out.push("<h2>Circuit breakers</h2>");
  if (f.breakers.length === 0) out.push("<p>No circuit transition in the log.</p>");
  else {
    const legend = `<b>state</b>${swatch(STATE_COLOURS.closed, "closed")}${swatch(STATE_COLOURS.open, "open")}${swatch(STATE_COLOURS.half_open, "half-open")}`;
    out.push(chart(breakerTimelineSvg(f.timeline), legend));
    out.push(table(breakerTable(f)));
  }

  out.push("<h2>Time spent waiting</h2>");
  if (f.waiting.total.count === 0) out.push("<p>No failure was followed by a wait.</p>");
  else {
    out.push(chart(waitingSvg(f.timeline)));
    out.push(table(waitingTable(f)));
  }

  out.push("<h2>Time to get back to the primary</h2>");
  const outages = primariesWithOutages(f);
  if (outages.length === 0) out.push(`<p>${esc(noOutageText(f))}</p>`);
  else out.push(table(returnToPrimaryTable(outages)), `<p class="muted">${esc(RETURN_TO_PRIMARY_NOTE)}</p>`);

  out.push("<h2>Worst requests</h2>");
  for (const [title, list] of [
    ["Most attempts", f.worst.byAttempts],
    ["Longest", f.worst.byDuration],
    ["Most waiting", f.worst.byWaiting],
  ] as const) {
    out.push(`<h4>${title}</h4>`);
    out.push(list.length === 0 ? "<p>No request.</p>" : table(requestTable(list)));
  }

  out.push("<h2>Log quality</h2>");
  out.push(
    `<p>Lines by format: SPEC §8 ${f.quality.formats.spec}, OpenCode-style ${f.quality.formats.opencode}.</p>`,
  );
  const issues = qualityIssues(f.quality);
  out.push(
    issues.length === 0
      ? "<p>No gap, derived field, synthesized line, orphan, unfinished request or reader problem: the log is complete.</p>"
      : `<ul>${issues.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`,
  );
  if (f.quality.problems.length > 0)
    out.push(
      table({
        headers: ["line", "kind", "severity", "path", "message", "expected"],
        rows: f.quality.problems.map((p) => [
          String(p.line),
          p.kind,
          p.severity,
          p.path,
          p.message,
          p.expected,
        ]),
        numeric: [0],
      }),
    );

  out.push("<h2>Rules checked</h2>");
  out.push(table(rulesTable(f)));
  return out;
}

/**
 * `triage.html`: the same report as `triage.md` as one self-contained page — inline CSS and SVG, no script,
 * nothing fetched — with three charts: failures per model stacked by reason, circuit states per model over
 * time, and waiting over time. Every string from the log is escaped. Deterministic.
 */
export function triageHtml(f: TriageFindings): string {
  return htmlPage(
    `Triage · ${f.file ?? "audit log"}`,
    `${STYLES}${TRIAGE_STYLES}`,
    `<main>
${header(f)}
${sections(f).join("\n")}
<footer>fallback-harness triage · the DECISION_141 Triage and Repair runbook · times are the log's own; charts share one time axis in ${esc(duration(f.timeline.bucketMs))} buckets.</footer>
</main>`,
  );
}
