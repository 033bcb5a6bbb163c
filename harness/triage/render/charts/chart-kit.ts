import { clip, esc } from "../../../report/html/escape.ts";
import { niceStep } from "../../../report/html/time-axis.ts";
import { humanDuration } from "../../human-duration.ts";

/** Layout shared by the charts, in SVG user units (the SVG scales down to the page width). */
export const WIDTH = 1000;
/** Right edge of the row labels. */
export const LABEL_W = 250;
/** Left edge of the plot. */
export const PLOT_X = LABEL_W + 10;
/** Width of the plot. */
export const PLOT_W = WIDTH - PLOT_X - 20;

/** One decimal at most, so the bytes do not depend on float noise. */
export function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Opens a chart: a labelled, self-contained SVG with its title as the accessible name. */
export function svgOpen(kind: string, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(kind)}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${WIDTH} ${r(height)}" width="${WIDTH}" height="${r(height)}"><title>${esc(title)}</title>`;
}

/** A row label at the left, clipped, with the whole text as its tooltip. */
export function rowLabel(text: string, y: number): string {
  return `<text class="lane-label" x="${LABEL_W}" y="${r(y)}" text-anchor="end">${esc(clip(text, 38))}<title>${esc(text)}</title></text>`;
}

/**
 * Ticks of a time axis at round steps after the log's first time (`originOffsetMs` into the plotted span
 * `[0, spanMs]`), drawn as grid lines from `top` to `bottom` with labels below.
 */
export function timeAxis(
  spanMs: number,
  originOffsetMs: number,
  x: (offsetMs: number) => number,
  top: number,
  bottom: number,
): string {
  const step = niceStep(Math.max(1, spanMs - originOffsetMs), 8);
  const out: string[] = [];
  for (let t = 0; originOffsetMs + t <= spanMs; t += step) {
    const tx = x(originOffsetMs + t);
    out.push(`<line class="grid" x1="${r(tx)}" x2="${r(tx)}" y1="${r(top)}" y2="${r(bottom)}"/>`);
    out.push(
      `<text class="tick" x="${r(tx)}" y="${r(bottom + 13)}" text-anchor="middle">${t === 0 ? "0" : `+${esc(humanDuration(t))}`}</text>`,
    );
  }
  return out.join("");
}

/** Colour per failure reason, in order of first request; twelve hues apart from the breaker-state colours. */
const REASON_HUES = [
  "#2563eb",
  "#db2777",
  "#ca8a04",
  "#0891b2",
  "#7c3aed",
  "#c2410c",
  "#0d9488",
  "#4f46e5",
  "#65a30d",
  "#9333ea",
  "#be123c",
  "#0369a1",
];

/** Assigns each failure reason a colour on first sight, the same one in every chart of a report. */
export class ReasonPalette {
  readonly #colours = new Map<string, string>();

  colourOf(reason: string): string {
    let colour = this.#colours.get(reason);
    if (colour === undefined) {
      colour = REASON_HUES[this.#colours.size % REASON_HUES.length] ?? "#64748b";
      this.#colours.set(reason, colour);
    }
    return colour;
  }
}

/** A swatch and its label, for legends drawn in HTML next to the chart (a span, so each chart stays one SVG). */
export function swatch(colour: string, label: string): string {
  return `<span class="lg"><span class="swatch" style="background:${esc(colour)}"></span>${esc(label)}</span>`;
}
