import type { ScenarioOutcome } from "../../runner/run-suite.ts";
import type { ScenarioReport } from "../report-schema.ts";
import { esc } from "./escape.ts";
import type { ModelPalette } from "./palette.ts";
import { STATE_COLOURS, timelineSvg } from "./timeline-svg.ts";
import { timelineModel } from "./timeline-model.ts";
import { violationsHtml, type ListedViolation } from "./violations-html.ts";

/** Lanes drawn per timeline: enough to see a pattern, few enough that a 3000-request scenario stays light. */
export const LANE_CAP = 60;
/** Violations listed in full per scenario (the checker keeps up to 200; the rest are counted). */
const VIOLATIONS_LISTED = 40;

function swatch(svgInner: string): string {
  return `<svg class="sw" viewBox="0 0 22 12" width="22" height="12" aria-hidden="true">${svgInner}</svg>`;
}

function legend(models: readonly string[], palette: ModelPalette): string {
  const modelItems = models.map(
    (m) =>
      `<span class="lg">${swatch(`<rect x="3" y="1" width="16" height="10" rx="2" fill="${esc(palette.colourOf(m))}"/>`)}${esc(m)}</span>`,
  );
  const shapes = [
    `<span class="lg">${swatch(`<rect x="3" y="1" width="16" height="10" rx="2" fill="#475569"/>`)}success</span>`,
    `<span class="lg">${swatch(`<rect x="3" y="1.5" width="14" height="9" rx="2" fill="#fff" stroke="#475569" stroke-width="1.8"/><line x1="17" x2="17" y1="0" y2="12" class="fail-tick"/>`)}failure</span>`,
    `<span class="lg">${swatch(`<line x1="2" x2="20" y1="6" y2="6" class="wait"/><line x1="20" x2="20" y1="3" y2="9" class="wait"/>`)}retry wait</span>`,
    `<span class="lg">${swatch(`<path class="exhausted" d="M7.5,2.5l7,7m0,-7l-7,7"/>`)}exhausted</span>`,
    `<span class="lg">${swatch(`<path class="skip" d="M8,2h6l-3,4z"/>`)}skipped</span>`,
    `<span class="lg">${swatch(`<rect class="flag-ring" x="2" y="0.5" width="18" height="11" rx="3"/>`)}violation (click)</span>`,
  ];
  const states = (Object.keys(STATE_COLOURS) as (keyof typeof STATE_COLOURS)[]).map(
    (s) =>
      `<span class="lg">${swatch(`<rect x="1" y="2" width="20" height="8" fill="${STATE_COLOURS[s]}"/>`)}${s.replace("_", "-")}</span>`,
  );
  return `<div class="legend"><div><b>Models</b>${modelItems.join("")}</div><div><b>Attempts</b>${shapes.join("")}</div><div><b>Breaker</b>${states.join("")}</div></div>`;
}

function stats(s: ScenarioReport): string {
  const bits = [
    `${s.requests.total} request${s.requests.total === 1 ? "" : "s"}`,
    `${s.attempts} attempt${s.attempts === 1 ? "" : "s"}`,
  ];
  if (s.requests.error > 0) bits.push(`<span class="bad">${s.requests.error} error</span>`);
  if (s.requests.hang > 0) bits.push(`<span class="bad">${s.requests.hang} hung</span>`);
  if (s.audit.violations > 0)
    bits.push(
      `<span class="bad">${s.audit.violations} violation${s.audit.violations === 1 ? "" : "s"}</span>`,
    );
  if (s.fleet.mismatches > 0)
    bits.push(
      `<span class="bad">${s.fleet.mismatches} fleet mismatch${s.fleet.mismatches === 1 ? "" : "es"}</span>`,
    );
  return bits.join(" · ");
}

function meta(s: ScenarioReport): string {
  const rows: [string, string][] = [
    ["seed", `<code>${s.seed}</code>`],
    ["file", `<code>${esc(s.file)}</code>`],
    [
      "audit",
      `${s.audit.lines} lines, ${s.audit.violations} violation(s), ${s.audit.warnings} warning(s) · <a href="${esc(s.audit.file)}">audit.jsonl</a>`,
    ],
    [
      "fleet",
      `${s.fleet.calls} provider call(s), ${s.fleet.mismatches} mismatch(es) · <a href="${esc(s.fleet.file)}">fleet.jsonl</a>`,
    ],
  ];
  if (s.tags.length > 0)
    rows.push(["tags", s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(" ")]);
  if (s.parity.length > 0)
    rows.push(["parity", s.parity.map((p) => `<span class="tag">${esc(p)}</span>`).join(" ")]);
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function listed(o: ScenarioOutcome, prefix: string): ListedViolation[] {
  const all = [
    ...o.verdict.check.violations.map((v) => ({ v, source: "audit" as const })),
    ...o.verdict.crossCheck.map((v) => ({ v, source: "fleet" as const })),
  ];
  return all
    .slice(0, VIOLATIONS_LISTED)
    .map(({ v, source }, j) => ({ violation: v, source, anchor: `${prefix}-v${j}` }));
}

/** A tier verdict as a pill (SPEC §10.3). */
function tierPill(verdict: "pass" | "fail" | "partial"): string {
  return `<span class="pill ${verdict}">${verdict.toUpperCase()}</span>`;
}

/** One scenario as a collapsible section: verdict and reasons, its timeline with legend, its violations. */
export function scenarioSection(
  s: ScenarioReport,
  outcome: ScenarioOutcome | undefined,
  index: number,
  palette: ModelPalette,
): string {
  const prefix = `s${index}`;
  const failed = s.verdict === "fail";
  const reasons =
    s.reasons.length > 0
      ? `<ul class="reasons">${s.reasons.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`
      : "";
  const reaudit = s.reaudit
    ? s.reaudit.verdict === null
      ? `<p class="reaudit"><b>Re-audit</b>: ${esc(s.reaudit.note)}</p>`
      : `<p class="reaudit ${s.reaudit.deterministic ? "" : "bad"}"><b>Re-audit</b> (same seed): ${esc(s.reaudit.verdict.toUpperCase())} — ${esc(s.reaudit.note)}</p>`
    : "";
  const tiers = `<p class="tiers">safety ${tierPill(s.tiers.safety)} conformance ${tierPill(s.tiers.conformance)}</p>`;
  const notChecked =
    s.not_checked.length > 0
      ? `<h4>Not checked</h4><ul class="not-checked">${s.not_checked.map((c) => `<li><code>${esc(c.id)}</code> (${esc(c.tier)}, needs ${esc(c.evidence.join(" + "))}): ${esc(c.reason)}</li>`).join("")}</ul>`
      : "";
  let body = `<p class="desc">${esc(s.description)}</p>${meta(s)}${tiers}${reasons}${notChecked}${reaudit}`;
  if (outcome) {
    const model = timelineModel(outcome.run.startMs, outcome.run.auditText);
    const items = listed(outcome, prefix);
    const firstAt = new Map<number, string>();
    for (const item of items)
      if (!firstAt.has(item.violation.line)) firstAt.set(item.violation.line, item.anchor);
    const drawing = timelineSvg(model, {
      colourOf: (m) => palette.colourOf(m),
      violationAt: (line) => firstAt.get(line),
      idPrefix: prefix,
      laneCap: LANE_CAP,
    });
    const total = outcome.verdict.check.violationCount + outcome.verdict.crossCheck.length;
    body += `<h4>Timeline</h4>${legend(model.models, palette)}${drawing.html}${violationsHtml(items, drawing.drawnAt, total, s.audit.file)}`;
  } else {
    body += `<p class="muted">No run data for this scenario: no timeline.</p>`;
  }
  const pill = `<span class="pill ${failed ? "fail" : "pass"}">${failed ? "FAIL" : "PASS"}</span>`;
  return `<details class="scenario ${failed ? "fail" : "pass"}" id="${prefix}" data-scenario="${esc(s.id)}"${failed ? " open" : ""}><summary>${pill}<span class="sid">${esc(s.id)}</span><span class="stitle">${esc(s.title)}</span><span class="stats">${stats(s)}</span></summary><div class="body">${body}</div></details>`;
}
