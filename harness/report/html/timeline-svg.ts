import { clip, esc } from "./escape.ts";
import { formatDuration, timeScale, type TimeScale } from "./time-axis.ts";
import {
  selectLanes,
  type AttemptMark,
  type BreakerInterval,
  type BreakerState,
  type Lane,
  type TimelineModel,
} from "./timeline-model.ts";

/** How the timeline is drawn and linked. */
export interface TimelineOptions {
  readonly colourOf: (model: string) => string;
  /** The anchor (element id) of the first violation on an audit line, if any. */
  readonly violationAt: (line: number) => string | undefined;
  /** A prefix unique to the scenario, for element ids. */
  readonly idPrefix: string;
  /** Lanes drawn at most; the 3000-request scenarios would otherwise draw a wall of lines. */
  readonly laneCap: number;
}

/** The drawn SVG, a note on what was left out, and where each flagged audit line was drawn. */
export interface TimelineDrawing {
  readonly html: string;
  /** Audit line → id of the drawn element it is attached to, for "show on the timeline" links. */
  readonly drawnAt: ReadonlyMap<number, string>;
}

/** The breaker-state colours, shared with the legend. */
export const STATE_COLOURS: Readonly<Record<BreakerState, string>> = {
  closed: "#bbf7d0",
  open: "#ef4444",
  half_open: "#f59e0b",
};

// Layout, in SVG user units (the SVG scales down to the page width).
const WIDTH = 1000;
const PLOT_X = 190;
const PLOT_W = WIDTH - PLOT_X - 16;
const AXIS_H = 22;
const BAND_H = 16;
const LANE_H = 15;
const GAP = 12;
const MIN_MARK_W = 5;

interface Ctx {
  readonly x: (ms: number) => number;
  /** The right edge of the plot: where the last breaker state and an unfinished request run to. */
  readonly end: number;
  readonly spanMs: number;
  readonly options: TimelineOptions;
  readonly drawnAt: Map<number, string>;
}

function linked(
  ctx: Ctx,
  lines: readonly number[],
  id: string,
  inner: string,
): { html: string; flagged: boolean } {
  const line = lines.find((l) => ctx.options.violationAt(l) !== undefined);
  const anchor = line === undefined ? undefined : ctx.options.violationAt(line);
  if (line === undefined || anchor === undefined) return { html: inner, flagged: false };
  for (const l of lines)
    if (ctx.options.violationAt(l) !== undefined && !ctx.drawnAt.has(l)) ctx.drawnAt.set(l, id);
  return { html: `<a href="#${esc(anchor)}" class="flag-link">${inner}</a>`, flagged: true };
}

function attemptTitle(a: AttemptMark): string {
  const what =
    a.outcome === "failure"
      ? `failed: ${a.reason ?? "?"} → ${a.action ?? "?"}${a.waitMs > 0 ? ` after ${formatDuration(a.waitMs)}` : ""}`
      : a.outcome === "success"
        ? "succeeded"
        : "no answer in the log";
  return `${a.requestId} · attempt ${a.attempt} on ${a.model} · ${what} · ${formatDuration(a.start)} → ${formatDuration(a.end)} (${a.end - a.start} ms) · audit line ${a.lines.join(", ")}`;
}

function attemptMark(ctx: Ctx, a: AttemptMark, left: number, cy: number): { html: string; right: number } {
  const colour = ctx.options.colourOf(a.model);
  const width = Math.max(MIN_MARK_W, ctx.x(a.end) - ctx.x(a.start));
  const id = `${ctx.options.idPrefix}-m${a.lines[0] ?? 0}`;
  const style =
    a.outcome === "success"
      ? `fill="${esc(colour)}"`
      : a.outcome === "failure"
        ? `fill="#fff" stroke="${esc(colour)}" stroke-width="1.8"`
        : `fill="#fff" stroke="${esc(colour)}" stroke-dasharray="2 1.5"`;
  let parts = `<rect id="${esc(id)}" data-testid="attempt-mark" data-outcome="${a.outcome}" class="mark" x="${r(left)}" y="${r(cy - 5)}" width="${r(width)}" height="10" rx="2" ${style}><title>${esc(attemptTitle(a))}</title></rect>`;
  if (a.outcome === "failure")
    parts += `<line x1="${r(left + width)}" x2="${r(left + width)}" y1="${r(cy - 6)}" y2="${r(cy + 6)}" class="fail-tick"/>`;
  let right = left + width;
  if (a.waitMs > 0) {
    const until = Math.max(right + 2, ctx.x(a.end + a.waitMs));
    parts += `<line x1="${r(right)}" x2="${r(until)}" y1="${r(cy)}" y2="${r(cy)}" class="wait"><title>${esc(`retry wait ${formatDuration(a.waitMs)} (delay_ms ${a.waitMs})`)}</title></line><line x1="${r(until)}" x2="${r(until)}" y1="${r(cy - 3)}" y2="${r(cy + 3)}" class="wait"/>`;
    right = until;
  }
  const { html, flagged } = linked(ctx, a.lines, id, parts);
  const ring = flagged
    ? `<rect class="flag-ring" x="${r(left - 2.5)}" y="${r(cy - 7.5)}" width="${r(width + 5)}" height="15" rx="3"/>`
    : "";
  return { html: ring + html, right };
}

function laneRow(ctx: Ctx, lane: Lane, y: number): string {
  const cy = y + LANE_H / 2;
  const end = lane.end ?? ctx.spanMs;
  const out: string[] = [];
  const label = `<text class="lane-label" x="${PLOT_X - 8}" y="${r(cy + 3.5)}" text-anchor="end">${esc(clip(lane.requestId, 26))}<title>${esc(`${lane.requestId}: ${lane.terminal === "success" ? `served by ${lane.servedBy ?? "?"}` : lane.terminal === "exhausted" ? "exhausted" : "no terminal line"} · ${lane.attempts.length} attempt(s)`)}</title></text>`;
  // The label stands for the request's own lines (request, skips, terminal); attempts link from their marks.
  const attemptLines = new Set(lane.attempts.flatMap((a) => a.lines));
  out.push(
    linked(
      ctx,
      lane.lines.filter((l) => !attemptLines.has(l)),
      `${ctx.options.idPrefix}-l${lane.lines[0] ?? 0}`,
      label,
    ).html,
  );
  const spanEnd = lane.end === null ? ctx.end : ctx.x(end);
  out.push(
    `<line class="span ${lane.terminal}" x1="${r(ctx.x(lane.start))}" x2="${r(spanEnd)}" y1="${r(cy)}" y2="${r(cy)}"/>`,
  );
  for (const s of lane.skips) {
    const sx = ctx.x(s.at);
    out.push(
      `<path class="skip" d="M${r(sx - 3)},${r(cy - 7)}h6l-3,4z"><title>${esc(`${s.model} skipped: ${s.reason} (audit line ${s.line})`)}</title></path>`,
    );
  }
  let right = Number.NEGATIVE_INFINITY;
  for (const a of lane.attempts) {
    // Marks closer than a pixel apart (a fast retry on a day-long axis) are nudged right so each stays visible.
    const mark = attemptMark(ctx, a, Math.max(ctx.x(a.start), right + 1.5), cy);
    out.push(mark.html);
    right = mark.right;
  }
  if (lane.terminal === "exhausted") {
    const ex = Math.max(ctx.x(end), right + 5);
    out.push(
      `<path class="exhausted" d="M${r(ex - 3.5)},${r(cy - 3.5)}l7,7m0,-7l-7,7"><title>${esc(`${lane.requestId} exhausted at ${formatDuration(end)}`)}</title></path>`,
    );
  }
  return out.join("");
}

function bandRow(ctx: Ctx, model: string, bands: readonly BreakerInterval[], y: number): string {
  const out = [
    `<circle cx="${PLOT_X - 12}" cy="${r(y + BAND_H / 2)}" r="4" fill="${esc(ctx.options.colourOf(model))}"/>`,
    `<text class="band-label" x="${PLOT_X - 20}" y="${r(y + BAND_H / 2 + 3.5)}" text-anchor="end">${esc(clip(model, 25))}<title>${esc(model)}</title></text>`,
  ];
  for (const b of bands) {
    const x1 = ctx.x(b.start);
    const id = b.line === null ? null : `${ctx.options.idPrefix}-b${b.line}`;
    const title = `${model}: ${b.state} from ${formatDuration(b.start)} to ${formatDuration(b.end)}${b.cause ? ` (cause ${b.cause})` : ""}${b.line !== null ? ` · audit line ${b.line}` : " · initial state"}`;
    const x2 = b.end >= ctx.spanMs ? ctx.end : ctx.x(b.end);
    const rect = `<rect${id === null ? "" : ` id="${esc(id)}"`} data-testid="breaker-band" data-state="${b.state}" class="band" x="${r(x1)}" y="${r(y + 2)}" width="${r(Math.max(1, x2 - x1))}" height="${BAND_H - 4}" fill="${STATE_COLOURS[b.state]}"><title>${esc(title)}</title></rect>`;
    out.push(b.line === null || id === null ? rect : linked(ctx, [b.line], id, rect).html);
  }
  return out.join("");
}

/** Busy time: each request from its first line to its last, waits included, and each transition. */
function busyIntervals(model: TimelineModel): [number, number][] {
  const busy: [number, number][] = model.bands.filter((b) => b.line !== null).map((b) => [b.start, b.start]);
  for (const lane of model.lanes) {
    const last = Math.max(
      lane.end ?? lane.start,
      ...lane.attempts.map((a) => a.end + a.waitMs),
      ...lane.skips.map((k) => k.at),
    );
    busy.push([lane.start, last]);
  }
  return busy;
}

/** Grid lines and tick labels; the last label ends at the plot's edge rather than past it. */
function axisSvg(scale: TimeScale, height: number): string {
  const parts: string[] = [];
  for (const t of scale.ticks) {
    const tx = r(t.x);
    const anchor = t.x > scale.end - 25 ? "end" : t.anchor;
    const lx = anchor === "start" ? r(t.x - 3) : anchor === "end" ? r(t.x + 3) : tx;
    parts.push(
      `<line class="grid" x1="${tx}" x2="${tx}" y1="${AXIS_H - 4}" y2="${r(height - 4)}"/><text class="tick" x="${lx}" y="${AXIS_H - 8}" text-anchor="${anchor}">${esc(t.label)}</text>`,
    );
  }
  return parts.join("");
}

/** Each cut of idle time as a hatched column over everything, saying how long it was. */
function cutsSvg(scale: TimeScale, height: number, hatch: string): string {
  const parts: string[] = [];
  for (const c of scale.cuts) {
    const cx = (c.x0 + c.x1) / 2;
    const cy = (AXIS_H + height) / 2;
    const idle = `${formatDuration(c.to - c.from)} idle`;
    parts.push(
      `<g class="cut"><rect x="${r(c.x0)}" y="${AXIS_H - 4}" width="${r(c.x1 - c.x0)}" height="${r(height - AXIS_H)}" fill="url(#${esc(hatch)})"/>` +
        `<path class="cut-edge" d="M${r(c.x0)},${AXIS_H - 4}v${r(height - AXIS_H)}M${r(c.x1)},${AXIS_H - 4}v${r(height - AXIS_H)}"/>` +
        `<text class="cut-label" x="${r(cx)}" y="${r(cy)}" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 ${r(cx)} ${r(cy)})">${esc(height - AXIS_H > 70 ? idle : "⋯")}</text>` +
        `<title>${esc(`${idle}: nothing happened from ${formatDuration(c.from)} to ${formatDuration(c.to)}, so this stretch is cut out of the axis`)}</title></g>`,
    );
  }
  return parts.join("");
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Draws a scenario's timeline: the time axis, one breaker band row per model, then one lane per request. */
export function timelineSvg(model: TimelineModel, options: TimelineOptions): TimelineDrawing {
  if (model.lanes.length === 0 && model.models.length === 0)
    return { html: `<p class="muted">The audit has no lines to draw.</p>`, drawnAt: new Map() };
  const flagged = new Set<number>();
  for (const lane of model.lanes)
    for (const l of lane.lines) if (options.violationAt(l) !== undefined) flagged.add(l);
  const { drawn, hidden, hiddenAttempts } = selectLanes(model.lanes, flagged, options.laneCap);
  const scale = timeScale(busyIntervals(model), PLOT_X, PLOT_W);
  const ctx: Ctx = { x: scale.x, end: scale.end, spanMs: model.spanMs, options, drawnAt: new Map() };
  const bandTop = AXIS_H + 6;
  const laneTop = bandTop + model.models.length * BAND_H + GAP;
  const height = laneTop + drawn.length * LANE_H + 8;

  // Ids are per scenario: a pattern defined in a closed section would not paint another section's cuts.
  const hatch = `${options.idPrefix}-hatch`;
  const parts: string[] = drawn.flatMap((_, i) =>
    i % 2 === 1
      ? [`<rect class="stripe" x="0" y="${r(laneTop + i * LANE_H)}" width="${WIDTH}" height="${LANE_H}"/>`]
      : [],
  );
  parts.push(axisSvg(scale, height));
  model.models.forEach((m, i) => {
    parts.push(
      bandRow(
        ctx,
        m,
        model.bands.filter((b) => b.model === m),
        bandTop + i * BAND_H,
      ),
    );
  });
  parts.push(
    `<line class="divider" x1="0" x2="${WIDTH}" y1="${laneTop - GAP / 2}" y2="${laneTop - GAP / 2}"/>`,
  );
  drawn.forEach((lane, i) => parts.push(laneRow(ctx, lane, laneTop + i * LANE_H)));
  parts.push(cutsSvg(scale, height, hatch));

  const label = `Timeline: ${drawn.length} request(s) over ${formatDuration(model.spanMs)}, breaker states of ${model.models.length} model(s)`;
  const defs = `<defs><pattern id="${esc(hatch)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f8fafc"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e2e8f0" stroke-width="3"/></pattern></defs>`;
  const svg = `<svg class="timeline" viewBox="0 0 ${WIDTH} ${r(height)}" width="${WIDTH}" height="${r(height)}" role="img" aria-label="${esc(label)}">${defs}${parts.join("")}</svg>`;
  const note =
    hidden > 0
      ? `<p class="muted note">${drawn.length} of ${model.lanes.length} requests drawn (failed and flagged ones first); ${hidden} more with ${hiddenAttempts} attempt(s) are not drawn — see the audit log.</p>`
      : "";
  return { html: `<div class="timeline-wrap">${svg}</div>${note}`, drawnAt: ctx.drawnAt };
}
