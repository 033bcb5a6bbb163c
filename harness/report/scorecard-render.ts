import { clip, esc } from "./html/escape.ts";
import { isNoReport, type Cell, type CellStatus, type Scorecard } from "./scorecard.ts";
import { htmlPage } from "./html/page.ts";

const REASON_MAX = 140;

/** The link from a cell to the scenario's section in that engine's HTML report. */
function href(dir: string, cell: Cell): string {
  return cell.index === null ? `${dir}/index.html` : `${dir}/index.html#s${cell.index}`;
}

const engineName = (column: Scorecard["engines"][number]): string =>
  isNoReport(column.report) ? column.given : column.report.engine;

const md = (text: string): string => text.replaceAll("|", "\\|").replace(/\s+/g, " ");

function tally(card: Scorecard, engine: number): string {
  const counts = new Map<CellStatus, number>();
  for (const row of card.cells) {
    const status = row[engine]?.status;
    if (status) counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
}

/** scorecard.md: one row per scenario, one column per engine, each cell its status and first reason. */
export function scorecardMarkdown(card: Scorecard): string {
  const out: string[] = ["# fallback-harness scorecard", ""];
  out.push(
    `${card.engines.length} engines × ${card.scenarios.length} scenarios. A cell is PASS, FAIL (safety) — what every caller is owed —, FAIL (conformance) — this SPEC's policy —, or PARTIAL (nothing failed, some check could not be made for lack of evidence). Exit code ${card.exitCode} (the worst engine's, each gated by the run's tier).`,
    "",
  );
  out.push("| engine | report | exit | cells |", "|---|---|---|---|");
  card.engines.forEach((e, i) =>
    out.push(
      `| \`${md(engineName(e))}\` (${md(e.given)}) | [${md(e.dir)}/summary.md](${e.dir}/summary.md) | ${e.exitCode} | ${isNoReport(e.report) ? md(e.report.error) : tally(card, i)} |`,
    ),
  );
  out.push("", `| scenario | ${card.engines.map((e) => `\`${md(engineName(e))}\``).join(" | ")} |`);
  out.push(`|---|${card.engines.map(() => "---").join("|")}|`);
  card.scenarios.forEach((s, row) => {
    const cells = card.engines.map((e, col) => {
      const cell = card.cells[row]?.[col];
      if (!cell) return "";
      const status = cell.status === "PASS" ? "PASS" : `**${cell.status}**`;
      const reason = cell.reason ? ` ${md(clip(cell.reason, REASON_MAX))}` : "";
      return cell.status === "NOT RUN" ? `${status}${reason}` : `[${status}](${href(e.dir, cell)})${reason}`;
    });
    out.push(`| \`${md(s.id)}\` | ${cells.join(" | ")} |`);
  });
  out.push("");
  return out.join("\n");
}

const CLASS: Readonly<Record<CellStatus, string>> = {
  PASS: "pass",
  PARTIAL: "partial",
  FAIL: "fail",
  "FAIL (safety)": "fail",
  "FAIL (conformance)": "conf",
  "NOT RUN": "none",
};

const STYLES = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#f6f8fa}td.cell{max-width:22em}td.pass{background:#dafbe1}td.fail{background:#ffd8d3}
td.conf{background:#fff1c2}td.partial{background:#eaeef2}td.none{color:#6e7781}
.status{font-weight:600;display:block}.reason{font-size:12px;color:#424a53}code{font-size:12px}`;

/** scorecard.html: the same table, self-contained (inline CSS, no script), cells linking to each report. */
export function scorecardHtml(card: Scorecard): string {
  const head = card.engines
    .map(
      (e) =>
        `<th><code>${esc(engineName(e))}</code><br><a href="${esc(e.dir)}/index.html">report</a> · exit ${e.exitCode}</th>`,
    )
    .join("");
  const rows = card.scenarios.map((s, row) => {
    const cells = card.engines.map((e, col) => {
      const cell = card.cells[row]?.[col];
      if (!cell) return "<td></td>";
      const status =
        cell.status === "NOT RUN"
          ? `<span class="status">${cell.status}</span>`
          : `<a class="status" href="${esc(href(e.dir, cell))}">${cell.status}</a>`;
      const reason = cell.reason ? `<span class="reason">${esc(clip(cell.reason, REASON_MAX))}</span>` : "";
      return `<td class="cell ${CLASS[cell.status]}" data-engine="${esc(e.dir)}" data-scenario="${esc(s.id)}">${status}${reason}</td>`;
    });
    return `<tr><th><code>${esc(s.id)}</code><br><span class="reason">${esc(s.title)}</span></th>${cells.join("")}</tr>`;
  });
  return htmlPage(
    `fallback-harness scorecard · ${card.engines.length} engines`,
    STYLES,
    `<h1>fallback-harness scorecard</h1>
<p>${card.engines.length} engines × ${card.scenarios.length} scenarios · exit code ${card.exitCode}. FAIL (safety): what every caller is owed; FAIL (conformance): this SPEC's policy; PARTIAL: nothing failed, some check could not be made.</p>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`,
  );
}
