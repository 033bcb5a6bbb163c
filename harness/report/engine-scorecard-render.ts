import { clip, esc } from "./html/escape.ts";
import type { CellKind, ScoreCell, ScoreColumn, ScoreTable } from "./engine-scorecard.ts";
import { htmlPage } from "./html/page.ts";

const REASON_MAX = 160;
const SKIP_MAX = 90;

const LABEL: Readonly<Record<CellKind, string>> = {
  "fail-safety": "FAIL (safety)",
  "fail-conformance": "FAIL (conformance)",
  partial: "PARTIAL",
  pass: "PASS",
  skipped: "SKIPPED",
  "not-run": "NOT RUN",
};

const md = (text: string): string => text.replaceAll("|", "\\|").replace(/\s+/g, " ").trim();

/** `1.23 s` / `850 ms`: a wall time for a reader, rounded so it does not pretend to more precision. */
export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const tiersOf = (cell: ScoreCell): string =>
  cell.safety === null
    ? ""
    : `safety ${cell.safety.toUpperCase()} · conformance ${cell.conformance?.toUpperCase() ?? "–"}`;

function tally(table: ScoreTable, column: number): string {
  const counts = new Map<CellKind, number>();
  for (const row of table.cells) {
    const kind = row[column]?.kind;
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${LABEL[kind]}`).join(", ");
}

const LEGEND =
  "A cell gives each tier's verdict (SPEC §10.3): **safety** is what every caller is owed whatever the policy; **conformance** is this SPEC's policy, judged only where the engine's configuration can express it (what it cannot is NOT CHECKED with the engine's reason, and the tier is PARTIAL). Then the first reason and the median time per request (wall clock). A FAIL links to its evidence: the failing checks, the fleet's log lines, the results, and the engine's own output where it has one. SKIPPED: the scenario's real-time span did not fit the engine's budget (`--budget`).";

function headerLines(table: ScoreTable): string[] {
  const { header } = table;
  return [
    `- Date: ${header.date} (each engine's own run: the "run" column below)`,
    `- Harness: ${header.commit}`,
    `- Machine: ${header.machine}`,
    `- Network: ${header.namespace}`,
    `- Clock: real (wall clock), fleet on 127.0.0.1; budget ${header.budgetS} s of wall time per engine`,
    ...header.tolerances.map((t) => `- Tolerance: ${t}`),
  ];
}

/** When, at which commit and at what load a column ran (columns kept with `--keep` come from other runs). */
const runOf = (c: ScoreColumn): string =>
  `${c.ran.date.slice(0, 16).replace("T", " ")} UTC · ${c.ran.commit} · load ${c.ran.load}`;

/** scorecard.md: the header, one row per engine, then the engine × scenario table. */
export function engineScorecardMarkdown(table: ScoreTable): string {
  const out = ["# fallback-harness scorecard (real time)", "", ...headerLines(table), "", LEGEND, ""];
  out.push("| engine | version | ran | median / request | cells | run |", "|---|---|---|---|---|---|");
  table.columns.forEach((c, i) =>
    out.push(
      `| \`${md(c.given)}\` | ${md(c.version)} | ${c.notRun === null ? `${formatMs(c.wallMs)} ([report](${c.dir}/summary.md))` : `not run: ${md(c.notRun)}`} | ${formatMs(c.medianMs)} | ${tally(table, i)} | ${md(runOf(c))} |`,
    ),
  );
  out.push("", `| scenario | ${table.columns.map((c) => `\`${md(c.given)}\``).join(" | ")} |`);
  out.push(`|---|${table.columns.map(() => "---").join("|")}|`);
  table.scenarios.forEach((s, row) => {
    const cells = table.columns.map((_, col) => {
      const cell = table.cells[row]?.[col];
      if (!cell) return "";
      const label = cell.kind === "pass" ? "PASS" : `**${LABEL[cell.kind]}**`;
      const status = cell.evidence === null ? label : `[${label}](${cell.evidence})`;
      const parts = [
        status,
        tiersOf(cell),
        cell.medianMs === null ? "" : formatMs(cell.medianMs),
        // A skip's whole reason is in that engine's realtime.md; the table keeps its gist.
        cell.reason ? md(clip(cell.reason, cell.kind === "skipped" ? SKIP_MAX : REASON_MAX)) : "",
      ].filter((p) => p !== "");
      return parts.join(" · ");
    });
    out.push(`| \`${md(s.id)}\` | ${cells.join(" | ")} |`);
  });
  out.push("", "Re-run one cell: see README.md in this folder.", "");
  return out.join("\n");
}

const CLASS: Readonly<Record<CellKind, string>> = {
  "fail-safety": "fail",
  "fail-conformance": "conf",
  partial: "partial",
  pass: "pass",
  skipped: "none",
  "not-run": "none",
};

const STYLES = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#f6f8fa}td.cell{max-width:22em}td.pass{background:#dafbe1}td.fail{background:#ffd8d3}
td.conf{background:#fff1c2}td.partial{background:#eaeef2}td.none{color:#6e7781}
.status{font-weight:600;display:block}.small{font-size:12px;color:#424a53;display:block}code{font-size:12px}`;

/** scorecard.html: the same, self-contained (inline CSS, no script), FAIL cells linking to their evidence. */
export function engineScorecardHtml(table: ScoreTable): string {
  const engines = table.columns
    .map(
      (c, i) =>
        `<tr><td><code>${esc(c.given)}</code></td><td>${esc(c.version)}</td><td>${c.notRun === null ? `${esc(formatMs(c.wallMs))} (<a href="${esc(c.dir)}/summary.md">report</a>)` : `not run: ${esc(c.notRun)}`}</td><td>${esc(formatMs(c.medianMs))}</td><td>${esc(tally(table, i))}</td><td>${esc(runOf(c))}</td></tr>`,
    )
    .join("\n");
  const head = table.columns.map((c) => `<th><code>${esc(c.given)}</code></th>`).join("");
  const rows = table.scenarios.map((s, row) => {
    const cells = table.columns.map((c, col) => {
      const cell = table.cells[row]?.[col];
      if (!cell) return "<td></td>";
      const label = esc(LABEL[cell.kind]);
      const status =
        cell.evidence === null
          ? `<span class="status">${label}</span>`
          : `<a class="status" href="${esc(cell.evidence)}">${label}</a>`;
      const small = (text: string): string => (text ? `<span class="small">${esc(text)}</span>` : "");
      return `<td class="cell ${CLASS[cell.kind]}" data-engine="${esc(c.dir)}" data-scenario="${esc(s.id)}">${status}${small(tiersOf(cell))}${small(cell.medianMs === null ? "" : formatMs(cell.medianMs))}${small(clip(cell.reason, REASON_MAX))}</td>`;
    });
    return `<tr><th><code>${esc(s.id)}</code><br><span class="small">${esc(s.title)}</span></th>${cells.join("")}</tr>`;
  });
  return htmlPage(
    `fallback-harness scorecard · ${table.columns.length} engines`,
    STYLES,
    `<h1>fallback-harness scorecard (real time)</h1>
<ul>${headerLines(table)
      .map((l) => `<li>${esc(l.slice(2))}</li>`)
      .join("")}</ul>
<p>${esc(LEGEND.replaceAll("**", "").replaceAll("`", ""))}</p>
<table><thead><tr><th>engine</th><th>version</th><th>ran</th><th>median / request</th><th>cells</th><th>run</th></tr></thead><tbody>
${engines}
</tbody></table>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
<p>Re-run one cell: see README.md in this folder.</p>`,
  );
}
