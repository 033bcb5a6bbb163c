import { esc } from "../../../report/html/escape.ts";
import { STATE_COLOURS } from "../../../report/html/timeline-svg.ts";
import { humanDuration } from "../../human-duration.ts";
import type { Timeline } from "../../triage-findings.ts";
import { PLOT_W, PLOT_X, r, rowLabel, svgOpen, timeAxis } from "./chart-kit.ts";

const TOP = 8;
const ROW_H = 22;
const BAND_H = 14;
const AXIS_H = 22;

/**
 * One band per model over the log's time: closed as the background, and in each time bucket the share of it
 * the circuit spent open, then half-open, as coloured stretches. Buckets are the findings' capped ones, so
 * a day-long log draws as many rectangles as a minute-long one.
 */
export function breakerTimelineSvg(timeline: Timeline): string {
  const spanMs = timeline.buckets * timeline.bucketMs;
  const x = (offsetMs: number): number => PLOT_X + (offsetMs / Math.max(1, spanMs)) * PLOT_W;
  const rows = timeline.breakers;
  const height = TOP + rows.length * ROW_H + AXIS_H;
  const title = `Circuit states per model over ${humanDuration(spanMs)} from ${new Date(timeline.originMs).toISOString()}: green closed, red open, amber half-open`;
  const out = [svgOpen("breaker-timeline", height, title)];
  out.push(timeAxis(spanMs, timeline.originMs - timeline.startMs, x, TOP, TOP + rows.length * ROW_H));
  rows.forEach((row, i) => {
    const y = TOP + i * ROW_H;
    out.push(rowLabel(row.model, y + BAND_H / 2 + 4));
    out.push(
      `<rect class="band" data-state="closed" x="${PLOT_X}" y="${y}" width="${PLOT_W}" height="${BAND_H}" fill="${STATE_COLOURS.closed}"/>`,
    );
    for (let b = 0; b < timeline.buckets; b += 1) {
      const open = row.openMs[b] ?? 0;
      const half = row.halfOpenMs[b] ?? 0;
      if (open + half === 0) continue;
      const at = b * timeline.bucketMs;
      const from = new Date(timeline.startMs + at).toISOString();
      if (open > 0)
        out.push(
          `<rect class="band" data-state="open" x="${r(x(at))}" y="${y}" width="${r(Math.max(0.5, x(at + open) - x(at)))}" height="${BAND_H}" fill="${STATE_COLOURS.open}"><title>${esc(`${row.model}: open ${humanDuration(open)} of the ${humanDuration(timeline.bucketMs)} from ${from}`)}</title></rect>`,
        );
      if (half > 0)
        out.push(
          `<rect class="band" data-state="half_open" x="${r(x(at + open))}" y="${y}" width="${r(Math.max(0.5, x(at + open + half) - x(at + open)))}" height="${BAND_H}" fill="${STATE_COLOURS.half_open}"><title>${esc(`${row.model}: half-open ${humanDuration(half)} of the ${humanDuration(timeline.bucketMs)} from ${from}`)}</title></rect>`,
        );
    }
  });
  out.push("</svg>");
  return out.join("");
}
