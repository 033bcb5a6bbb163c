import { esc } from "../../../report/html/escape.ts";
import { humanDuration } from "../../human-duration.ts";
import type { Timeline } from "../../triage-findings.ts";
import { PLOT_W, PLOT_X, r, svgOpen, timeAxis } from "./chart-kit.ts";

const TOP = 10;
const PLOT_H = 120;
const AXIS_H = 22;

/**
 * Waiting over time: per time bucket, the `delay_ms` of the failures in it, as bars, with the failure count
 * in each bar's tooltip. The y axis runs from zero to the busiest bucket.
 */
export function waitingSvg(timeline: Timeline): string {
  const spanMs = timeline.buckets * timeline.bucketMs;
  const max = Math.max(1, ...timeline.waitMs);
  const x = (offsetMs: number): number => PLOT_X + (offsetMs / Math.max(1, spanMs)) * PLOT_W;
  const y = (ms: number): number => TOP + PLOT_H - (ms / max) * PLOT_H;
  const height = TOP + PLOT_H + AXIS_H;
  const total = timeline.waitMs.reduce((n, v) => n + v, 0);
  const title = `Waiting over time: ${humanDuration(total)} of delay_ms in all, at most ${humanDuration(max)} per ${humanDuration(timeline.bucketMs)}`;
  const out = [svgOpen("waiting", height, title)];
  out.push(timeAxis(spanMs, timeline.originMs - timeline.startMs, x, TOP, TOP + PLOT_H));
  out.push(
    `<text class="tick" x="${PLOT_X - 6}" y="${TOP + 8}" text-anchor="end">${esc(humanDuration(max))}</text><text class="tick" x="${PLOT_X - 6}" y="${TOP + PLOT_H}" text-anchor="end">0</text>`,
  );
  out.push(
    `<text class="lane-label" x="${PLOT_X - 6}" y="${TOP + PLOT_H / 2}" text-anchor="end">waiting per ${esc(humanDuration(timeline.bucketMs))}</text>`,
  );
  timeline.waitMs.forEach((wait, b) => {
    if (wait === 0) return;
    const at = b * timeline.bucketMs;
    const failures = timeline.failures[b] ?? 0;
    const label = `${humanDuration(wait)} waiting after ${failures} failure(s) in the ${humanDuration(timeline.bucketMs)} from ${new Date(timeline.startMs + at).toISOString()}`;
    out.push(
      `<rect class="wait-bar" x="${r(x(at))}" y="${r(y(wait))}" width="${r(Math.max(1, x(at + timeline.bucketMs) - x(at) - 0.5))}" height="${r(TOP + PLOT_H - y(wait))}" fill="#64748b"><title>${esc(label)}</title></rect>`,
    );
  });
  out.push(
    `<line class="divider" x1="${PLOT_X}" x2="${PLOT_X + PLOT_W}" y1="${TOP + PLOT_H}" y2="${TOP + PLOT_H}"/>`,
  );
  out.push("</svg>");
  return out.join("");
}
