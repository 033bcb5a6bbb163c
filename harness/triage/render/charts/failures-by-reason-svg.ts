import { esc } from "../../../report/html/escape.ts";
import type { ModelFindings } from "../../triage-findings.ts";
import { PLOT_W, PLOT_X, type ReasonPalette, r, rowLabel, svgOpen, swatch } from "./chart-kit.ts";

const TOP = 10;
const ROW_H = 24;
const BAR_H = 16;
const AXIS_H = 24;
/** Rows drawn at most: the most failing models (the table lists them all). */
const MODEL_CAP = 24;
/** Room right of the longest bar for its "n of m" label. */
const LABEL_ROOM = 90;

/**
 * Failures per model as horizontal bars stacked by reason, one colour per reason (legend in HTML beside it).
 * Each segment's tooltip gives the model, reason and count. Returns the SVG and its legend.
 */
export function failuresByReasonSvg(
  models: readonly ModelFindings[],
  palette: ReasonPalette,
): { svg: string; legend: string } {
  const rows = models.filter((m) => m.failures > 0).slice(0, MODEL_CAP);
  const max = Math.max(1, ...rows.map((m) => m.failures));
  const height = TOP + rows.length * ROW_H + AXIS_H;
  const title = `Failures per model by reason: ${rows.length} model(s), at most ${max} failure(s)`;
  const out = [svgOpen("failures-by-reason", height, title)];
  const x = (n: number): number => PLOT_X + (n / max) * (PLOT_W - LABEL_ROOM);
  rows.forEach((m, i) => {
    const y = TOP + i * ROW_H;
    out.push(rowLabel(m.model, y + BAR_H / 2 + 4));
    let from = 0;
    for (const reason of m.byReason) {
      const label = `${m.model} · ${reason.reason} ×${reason.count} (lines ${reason.firstLine}–${reason.lastLine})`;
      out.push(
        `<rect class="bar" data-reason="${esc(reason.reason)}" x="${r(x(from))}" y="${r(y)}" width="${r(Math.max(1, x(from + reason.count) - x(from)))}" height="${BAR_H}" fill="${esc(palette.colourOf(reason.reason))}"><title>${esc(label)}</title></rect>`,
      );
      from += reason.count;
    }
    out.push(
      `<text class="tick" x="${r(x(from) + 4)}" y="${r(y + BAR_H / 2 + 4)}">${m.failures} of ${m.attempts}</text>`,
    );
  });
  const axisY = TOP + rows.length * ROW_H;
  out.push(`<line class="divider" x1="${PLOT_X}" x2="${PLOT_X + PLOT_W}" y1="${axisY}" y2="${axisY}"/>`);
  out.push(
    `<text class="tick" x="${PLOT_X}" y="${axisY + 14}" text-anchor="middle">0</text><text class="tick" x="${x(max)}" y="${axisY + 14}" text-anchor="middle">${max}</text>`,
  );
  out.push("</svg>");
  const reasons = [...new Set(rows.flatMap((m) => m.byReason.map((b) => b.reason)))];
  return {
    svg: out.join(""),
    legend: reasons.map((reason) => swatch(palette.colourOf(reason), reason)).join(""),
  };
}
