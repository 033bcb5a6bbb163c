import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { esc } from "./html/escape.ts";
import { ModelPalette } from "./html/palette.ts";
import { scenarioSection } from "./html/scenario-section.ts";
import { STYLES } from "./html/styles.ts";
import type { RunReport } from "./report-schema.ts";
import type { ExtraRenderer } from "./write-report.ts";
import { htmlPage } from "./html/page.ts";

function header(report: RunReport): string {
  const v = report.verdict;
  const t = report.totals;
  const parity = report.parity.filter((p) => p.status !== "PASS").length;
  const totals: [string | number, string][] = [
    [t.scenarios, "scenarios"],
    [t.passed, "passed"],
    [t.failed, "failed"],
    [t.requests, "requests"],
    [t.attempts, "attempts"],
    [`${report.parity.length - parity}/${report.parity.length}`, "parity pass"],
  ];
  return `<header class="header ${v}">
<div class="verdict ${v}">${v === "pass" ? "PASS" : "FAIL"}</div>
<div><h1>fallback-harness run report</h1>
<div class="sub">engine <code>${esc(report.engine)}</code> · seed <code>${report.seed === null ? "per scenario" : report.seed}</code> · gating tier <code>${report.tier}</code> · exit code ${report.exit_code}</div>
<div class="sub">${(["safety", "conformance"] as const).map((tier) => `${tier}: ${t[tier].passed} pass · ${t[tier].failed} fail · ${t[tier].partial} partial`).join(" — ")}</div></div>
<div class="totals">${totals.map(([n, label]) => `<div class="total${label === "failed" && t.failed > 0 ? " bad" : ""}"><b>${esc(n)}</b><span>${label}</span></div>`).join("")}</div>
</header>`;
}

function parityTable(report: RunReport): string {
  const rows = report.parity.map(
    (p) =>
      `<tr><td class="id"><code>${esc(p.id)}</code></td><td>${esc(p.title)}</td><td><span class="pill ${p.status}">${p.status}</span></td><td><ul>${p.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul></td></tr>`,
  );
  return `<h2>Decision parity matrix</h2>
<table class="parity"><thead><tr><th>Decision</th><th>What</th><th>Status</th><th>Evidence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The scenarios in report order, failing ones first (stable within each group). */
function ordered(report: RunReport): { scenario: RunReport["scenarios"][number]; index: number }[] {
  const all = report.scenarios.map((scenario, index) => ({ scenario, index }));
  return [
    ...all.filter((x) => x.scenario.verdict === "fail"),
    ...all.filter((x) => x.scenario.verdict === "pass"),
  ];
}

/**
 * `index.html`: the run as one self-contained page (inline CSS, inline SVG, no script, nothing fetched, so it
 * opens offline and from a CI artifact): verdict and totals, the decision parity matrix, then per scenario
 * a collapsible section — failing ones first and open — with its reasons, a timeline of requests, attempts,
 * waits and breaker states, and the audit lines that violate, each linked from the timeline.
 *
 * Hooks for tests: `data-scenario` on each section, `data-testid="attempt-mark"` on each drawn attempt,
 * `data-testid="breaker-band"` on each drawn breaker-state interval.
 */
export const htmlReport: ExtraRenderer = (report, outcomes) => {
  const byId = new Map<string, ScenarioOutcome>(outcomes.map((o) => [o.scenario.id, o]));
  const palette = new ModelPalette();
  const scenarios = ordered(report);
  const chips = scenarios
    .map(({ scenario: s, index }) => `<a class="chip ${s.verdict}" href="#s${index}">${esc(s.id)}</a>`)
    .join("");
  const sections = scenarios
    .map(({ scenario, index }) => scenarioSection(scenario, byId.get(scenario.id), index, palette))
    .join("\n");
  const title = `${report.verdict === "pass" ? "PASS" : "FAIL"} · fallback-harness · ${report.engine}`;
  const content = htmlPage(
    title,
    STYLES,
    `<main>
${header(report)}
${parityTable(report)}
<h2>Scenarios</h2>
<div class="chips">${chips}</div>
${sections}
<footer>report.json version ${report.version} · the timelines are drawn from each scenario's audit log; times are since the scenario's start on its own clock.</footer>
</main>`,
  );
  return { file: "index.html", content };
};
